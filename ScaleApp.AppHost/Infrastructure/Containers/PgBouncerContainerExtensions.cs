using System.Globalization;

namespace ScaleApp.AppHost.Infrastructure.Containers;

internal static class PgBouncerContainerExtensions
{
    public const string Script = "pgbouncer.sh";

    /// <summary>
    /// Adds PgBouncer as a container in transaction pooling mode, with one logical database for the
    /// primary and, when there is a <paramref name="replica"/>, one for the hot standby, both reached
    /// over the container network. Its entry point
    /// is a script that writes the configuration and auth file from the environment.
    /// </summary>
    public static IResourceBuilder<PgBouncerContainerResource> AddPgBouncerContainer(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<PostgresServerResource> primary,
        IResourceBuilder<PostgresReplicaContainerResource>? replica,
        ContainerContext context,
        InfrastructureParameters parameters,
        PgBouncerSettings settings)
    {
        var pgbouncer = builder.AddResource(new PgBouncerContainerResource(name))
            .WithPinnedImage(ContainerImages.PgBouncer)
            .WithEndpoint(targetPort: PgBouncerContainerResource.Port, name: PgBouncerContainerResource.EndpointName, scheme: "tcp");

        context.MountScript(pgbouncer, Script);

        // The server hosts and ports resolve in the container network: each server's network alias and port 5432.
        pgbouncer
            .WithEntrypoint("/bin/sh")
            .WithArgs(ContainerContext.MountedScript(Script))
            .WithEnvironment("LISTEN_PORT", PgBouncerContainerResource.Port.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("PRIMARY_HOST", primary.Resource.PrimaryEndpoint.Property(EndpointProperty.Host))
            .WithEnvironment("PRIMARY_PORT", primary.Resource.PrimaryEndpoint.Property(EndpointProperty.Port))
            .WithEnvironment("APP_PASSWORD", parameters.PostgresAppPassword)
            .WithEnvironment("DEFAULT_POOL_SIZE", settings.DefaultPoolSize.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("MAX_CLIENT_CONN", settings.MaxClientConnections.ToString(CultureInfo.InvariantCulture));

        if (replica is not null)
        {
            pgbouncer
                .WithEnvironment("REPLICA_HOST", replica.Resource.PrimaryEndpoint.Property(EndpointProperty.Host))
                .WithEnvironment("REPLICA_PORT", replica.Resource.PrimaryEndpoint.Property(EndpointProperty.Port));
        }

        return pgbouncer;
    }
}
