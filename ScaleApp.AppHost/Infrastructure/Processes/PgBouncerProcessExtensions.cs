namespace ScaleApp.AppHost.Infrastructure.Processes;

internal static class PgBouncerProcessExtensions
{
    /// <summary>
    /// Adds PgBouncer as a local process in transaction pooling mode, with one logical database for
    /// the primary and, when there is a <paramref name="replica"/>, one for the hot standby.
    /// </summary>
    public static IResourceBuilder<PgBouncerProcessResource> AddPgBouncerProcess(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<PostgresProcessResource> primary,
        IResourceBuilder<PostgresProcessResource>? replica,
        ProcessContext context,
        InfrastructureParameters parameters,
        PgBouncerSettings settings)
    {
        var resourceDirectory = context.RunFolder.ForResource(name);
        var resource = new PgBouncerProcessResource(name, "bash", resourceDirectory);

        var pgbouncer = builder.AddResource(resource)
            .WithArgs(context.Script("pgbouncer.sh"))
            .WithEnvironment("PGBOUNCER", context.Binaries.PgBouncer)
            .WithEnvironment("RESOURCE_DIR", resourceDirectory)
            .WithEnvironment("PRIMARY_PORT", primary.Resource.PrimaryEndpoint.Property(EndpointProperty.Port))
            .WithEnvironment("APP_PASSWORD", parameters.PostgresAppPassword)
            .WithEnvironment("DEFAULT_POOL_SIZE", settings.DefaultPoolSize.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("MAX_CLIENT_CONN", settings.MaxClientConnections.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithLoopbackEndpoint(PgBouncerProcessResource.EndpointName, "PGBOUNCER_PORT");

        if (replica is not null)
        {
            pgbouncer.WithEnvironment("REPLICA_PORT", replica.Resource.PrimaryEndpoint.Property(EndpointProperty.Port));
        }

        return pgbouncer;
    }
}
