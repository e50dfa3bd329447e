using ScaleApp.AppHost.Infrastructure.HealthChecks;

namespace ScaleApp.AppHost.Infrastructure.Processes;

internal static class PgBouncerProcessExtensions
{
    /// <summary>
    /// Adds PgBouncer as a local process in transaction pooling mode, with one logical database for
    /// the primary and one for the hot standby. Its health check logs in through the pooler to both.
    /// </summary>
    public static IResourceBuilder<PgBouncerProcessResource> AddPgBouncerProcess(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<PostgresProcessResource> primary,
        IResourceBuilder<PostgresProcessResource> replica,
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
            .WithEnvironment("REPLICA_PORT", replica.Resource.PrimaryEndpoint.Property(EndpointProperty.Port))
            .WithEnvironment("APP_PASSWORD", parameters.PostgresAppPassword)
            .WithEnvironment("DEFAULT_POOL_SIZE", settings.DefaultPoolSize.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("MAX_CLIENT_CONN", settings.MaxClientConnections.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithLoopbackEndpoint(PgBouncerProcessResource.EndpointName, "PGBOUNCER_PORT");

        return pgbouncer;
    }

    /// <summary>Adds a logical database of PgBouncer as a child resource that services reference.</summary>
    public static IResourceBuilder<PgBouncerDatabaseResource> AddPooledDatabase(
        this IResourceBuilder<PgBouncerProcessResource> pgbouncer,
        string name,
        string logicalDatabase,
        InfrastructureParameters parameters)
    {
        var database = new PgBouncerDatabaseResource(name, logicalDatabase, pgbouncer.Resource, parameters.PostgresAppPassword.Resource);
        return pgbouncer.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PgBouncerDatabase",
                State = KnownResourceStates.NotStarted,
                Properties = [new("pgbouncer.database", logicalDatabase)],
            });
    }

    /// <summary>
    /// Makes PgBouncer healthy only when a login through it reaches every pooled database, and
    /// marks those databases running together with it.
    /// </summary>
    public static IResourceBuilder<PgBouncerProcessResource> WithPooledDatabasesHealthCheck(
        this IResourceBuilder<PgBouncerProcessResource> pgbouncer,
        params IResourceBuilder<PgBouncerDatabaseResource>[] databases)
    {
        var key = $"{pgbouncer.Resource.Name}-ready";
        var resources = databases.Select(database => database.Resource).ToArray();

        pgbouncer.ApplicationBuilder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(key, _ => new PgBouncerHealthCheck(resources), failureStatus: null, tags: null));

        pgbouncer.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(pgbouncer.Resource, async (@event, cancellationToken) =>
        {
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var database in resources)
            {
                await notifications.PublishUpdateAsync(database, state => state with { State = KnownResourceStates.Running });
            }
        });

        return pgbouncer.WithHealthCheck(key);
    }
}
