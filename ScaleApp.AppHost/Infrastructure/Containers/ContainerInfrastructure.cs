using Microsoft.Extensions.DependencyInjection.Extensions;
using ScaleApp.AppHost.Stages;

namespace ScaleApp.AppHost.Infrastructure.Containers;

internal static class ContainerInfrastructure
{
    // Name of the client endpoint of Aspire's PostgreSQL container resource (internal there).
    private const string PostgresContainerEndpointName = "tcp";

    /// <summary>
    /// Builds the infrastructure the stage needs as containers: Aspire's PostgreSQL, Redis and RabbitMQ
    /// integrations and pinned images for the hot standby, PgBouncer and Mailpit, with the same resource
    /// names, passwords, health checks and start order as local-process mode. Building the model needs
    /// no container runtime; starting it does, and stops at once with a message when none responds.
    /// </summary>
    public static ScaleAppInfrastructure AddContainerInfrastructure(
        this IDistributedApplicationBuilder builder,
        ScaleAppSettings settings,
        InfrastructureParameters parameters,
        StagePlan stage)
    {
        var scripts = Path.Combine(builder.AppHostDirectory, "Infrastructure", "Containers", "scripts");
        var context = new ContainerContext(scripts, UseDataVolumes: settings.KeepData);

        RequireContainerRuntimeAtStart(builder, context);

        var postgres = builder.AddPostgresPrimaryContainer("postgres", context, parameters, tuned: stage.TunedDatabase);

        // pg_basebackup clones a running primary, so the standby starts only once the primary is healthy.
        IResourceBuilder<PostgresReplicaContainerResource>? postgresReplica = null;
        if (stage.ReadReplica)
        {
            postgresReplica = builder.AddPostgresReplicaContainer("postgres-replica", postgres, context, parameters)
                .WaitFor(postgres);
        }

        IResourceBuilder<PgBouncerContainerResource>? pgbouncer = null;
        IResourceBuilder<IResourceWithConnectionString> primaryDb;
        IResourceBuilder<IResourceWithConnectionString>? replicaDb = null;
        if (stage.PgBouncer)
        {
            pgbouncer = builder.AddPgBouncerContainer("pgbouncer", postgres, postgresReplica, context, parameters, settings.PgBouncer)
                .WaitFor(postgres);
            (primaryDb, replicaDb) = pgbouncer.AddPooledDatabases(postgresReplica, parameters);

        }
        else
        {
            primaryDb = postgres.AddDirectDatabase("primary-db", PostgresContainerEndpointName, parameters);
        }

        var redis = stage.Redis ? builder.AddRedisContainer("redis", parameters) : null;

        var rabbitmq = stage.QueueAndWorker ? builder.AddRabbitMQContainer("rabbitmq", context, parameters) : null;

        var mail = builder.AddMailpitContainer("mail", context);

        return new ScaleAppInfrastructure(
            postgres,
            postgresReplica,
            pgbouncer,
            primaryDb,
            PrimaryDbServer: pgbouncer is not null ? pgbouncer : postgres,
            replicaDb,
            redis,
            rabbitmq,
            mail);
    }

    // The check runs when the app starts (BeforeStartEvent), not when the model is built, so model
    // tests and publishing work without an engine. It runs before DCP starts any container. Tests can
    // replace IContainerRuntimeProbe in the builder's services.
    private static void RequireContainerRuntimeAtStart(IDistributedApplicationBuilder builder, ContainerContext context)
    {
        builder.Services.TryAddSingleton<IContainerRuntimeProbe>(services =>
            new ContainerRuntimeProbe(services.GetRequiredService<IConfiguration>()));

        if (!builder.ExecutionContext.IsRunMode)
        {
            return;
        }

        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            var status = @event.Services.GetRequiredService<IContainerRuntimeProbe>().Probe();
            if (!status.IsAvailable)
            {
                throw new DistributedApplicationException(
                    $"The infrastructure runs as containers, but no container runtime responded: {status.Detail}. " +
                    "Start Docker or Podman (for Podman also set ASPIRE_CONTAINER_RUNTIME=podman), " +
                    "or run the infrastructure as local processes with --ScaleApp:Infrastructure=processes.");
            }

            var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ScaleApp.AppHost");
            if (status.RequiresRuntimeSetting)
            {
                logger.LogWarning(
                    "Podman responded but Docker did not, and Aspire uses the Docker CLI when it is installed. " +
                    "If containers fail to start, set ASPIRE_CONTAINER_RUNTIME=podman. Probe result: {RuntimeStatus}", status.Detail);
            }

            logger.LogInformation("Container runtime: {RuntimeStatus}; container data {DataLifetime}",
                status.Detail, context.UseDataVolumes ? "is kept in named volumes between runs" : "is removed when the AppHost stops");
            return Task.CompletedTask;
        });
    }
}
