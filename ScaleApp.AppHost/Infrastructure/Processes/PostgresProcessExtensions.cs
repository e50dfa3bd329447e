using ScaleApp.AppHost.Infrastructure.HealthChecks;

namespace ScaleApp.AppHost.Infrastructure.Processes;

internal static class PostgresProcessExtensions
{
    /// <summary>
    /// Adds the PostgreSQL primary as a local process: created with initdb on first start, SCRAM
    /// authentication, <c>wal_level=replica</c> with room for a streaming standby, and memory
    /// settings scaled to the host's RAM unless <paramref name="tuned"/> is false.
    /// </summary>
    public static IResourceBuilder<PostgresProcessResource> AddPostgresPrimaryProcess(
        this IDistributedApplicationBuilder builder,
        string name,
        ProcessContext context,
        InfrastructureParameters parameters,
        bool tuned = true)
    {
        var resourceDirectory = context.RunFolder.ForResource(name);
        var resource = new PostgresProcessResource(name, "bash", resourceDirectory, PostgresRole.Primary, parameters.PostgresPassword.Resource);

        var serverSettings = PostgresServerSettings.Primary(PostgresTuning.HostMemoryBytes(), tuned);

        return builder.AddResource(resource)
            .WithArgs(context.Script("postgres-primary.sh"))
            .WithArgs(PostgresServerSettings.ToArguments(serverSettings))
            .WithEnvironment("PG_BIN", context.Binaries.PostgresBinDirectory)
            .WithEnvironment("RESOURCE_DIR", resourceDirectory)
            .WithEnvironment("POSTGRES_PASSWORD", parameters.PostgresPassword)
            .WithEnvironment("APP_PASSWORD", parameters.PostgresAppPassword)
            .WithEnvironment("REPLICATION_PASSWORD", parameters.PostgresReplicationPassword)
            .WithLoopbackEndpoint(PostgresProcessResource.EndpointName, "PG_PORT")
            .WithReadinessCheck(() => new PostgresServerHealthCheck(resource, resource.Role));
    }

    /// <summary>
    /// Adds a hot standby of <paramref name="primary"/> as a local process: cloned with
    /// <c>pg_basebackup -R</c> on first start, then streaming WAL from the primary.
    /// </summary>
    public static IResourceBuilder<PostgresProcessResource> AddPostgresReplicaProcess(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<PostgresProcessResource> primary,
        ProcessContext context,
        InfrastructureParameters parameters)
    {
        var resourceDirectory = context.RunFolder.ForResource(name);
        var resource = new PostgresProcessResource(name, "bash", resourceDirectory, PostgresRole.HotStandby, parameters.PostgresPassword.Resource);

        var serverSettings = PostgresServerSettings.HotStandby(PostgresTuning.HostMemoryBytes());

        return builder.AddResource(resource)
            .WithArgs(context.Script("postgres-replica.sh"))
            .WithArgs(PostgresServerSettings.ToArguments(serverSettings))
            .WithEnvironment("PG_BIN", context.Binaries.PostgresBinDirectory)
            .WithEnvironment("RESOURCE_DIR", resourceDirectory)
            .WithEnvironment("PRIMARY_PORT", primary.Resource.PrimaryEndpoint.Property(EndpointProperty.Port))
            .WithEnvironment("REPLICATION_PASSWORD", parameters.PostgresReplicationPassword)
            .WithLoopbackEndpoint(PostgresProcessResource.EndpointName, "PG_PORT")
            .WithReadinessCheck(() => new PostgresServerHealthCheck(resource, resource.Role));
    }
}
