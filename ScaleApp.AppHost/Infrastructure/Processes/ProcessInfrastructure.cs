using ScaleApp.AppHost.Stages;

namespace ScaleApp.AppHost.Infrastructure.Processes;

internal static class ProcessInfrastructure
{
    /// <summary>
    /// Builds the infrastructure the stage needs from the operating system's packages, each server in
    /// its own folder of the run folder and on ports allocated for this run. Stops at once, naming the
    /// package to install, when a program is missing.
    /// </summary>
    public static ScaleAppInfrastructure AddProcessInfrastructure(
        this IDistributedApplicationBuilder builder,
        ScaleAppSettings settings,
        InfrastructureParameters parameters,
        StagePlan stage)
    {
        var binaries = HostBinaries.Locate();
        var runFolder = RunFolder.For(builder, settings);
        var scripts = Path.Combine(builder.AppHostDirectory, "Infrastructure", "Processes", "scripts");
        var context = new ProcessContext(runFolder, binaries, scripts);
        var servers = new List<IResource>();

        var postgres = builder.AddPostgresPrimaryProcess("postgres", context, parameters, tuned: stage.TunedDatabase);
        servers.Add(postgres.Resource);

        // pg_basebackup clones a running primary, so the standby starts only once the primary is healthy.
        IResourceBuilder<PostgresProcessResource>? postgresReplica = null;
        if (stage.ReadReplica)
        {
            postgresReplica = builder.AddPostgresReplicaProcess("postgres-replica", postgres, context, parameters)
                .WaitFor(postgres);
            servers.Add(postgresReplica.Resource);
        }

        IResourceBuilder<PgBouncerProcessResource>? pgbouncer = null;
        IResourceBuilder<IResourceWithConnectionString> primaryDb;
        IResourceBuilder<IResourceWithConnectionString>? replicaDb = null;
        if (stage.PgBouncer)
        {
            pgbouncer = builder.AddPgBouncerProcess("pgbouncer", postgres, postgresReplica, context, parameters, settings.PgBouncer)
                .WaitFor(postgres);
            (primaryDb, replicaDb) = pgbouncer.AddPooledDatabases(postgresReplica, parameters);

            servers.Add(pgbouncer.Resource);
        }
        else
        {
            primaryDb = postgres.AddDirectDatabase("primary-db", PostgresProcessResource.EndpointName, parameters);
        }

        IResourceBuilder<RedisProcessResource>? redis = null;
        if (stage.Redis)
        {
            redis = builder.AddRedisProcess("redis", context, parameters);
            servers.Add(redis.Resource);
        }

        IResourceBuilder<RabbitMQProcessResource>? rabbitmq = null;
        if (stage.QueueAndWorker)
        {
            rabbitmq = builder.AddRabbitMQProcess("rabbitmq", context, parameters);
            servers.Add(rabbitmq.Resource);
        }

        var mail = builder.AddMailSinkProcess("mail", context);
        servers.Add(mail.Resource);

        CreateRunFolderForTheRun(builder, runFolder, servers);

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

    // The folder is created when the first server starts, so building the model alone (as model
    // tests do) leaves nothing on disk, and it is removed when the AppHost stops.
    private static void CreateRunFolderForTheRun(IDistributedApplicationBuilder builder, RunFolder runFolder, IEnumerable<IResource> servers)
    {
        foreach (var server in servers)
        {
            builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, (_, _) =>
            {
                runFolder.Create();
                return Task.CompletedTask;
            });
        }

        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ScaleApp.AppHost");
            logger.LogInformation("Local-process data lives in {RunFolder} ({Lifetime})",
                runFolder.Path, runFolder.IsKept ? "kept between runs" : "removed when the AppHost stops");

            var lifetime = @event.Services.GetRequiredService<IHostApplicationLifetime>();
            lifetime.ApplicationStopped.Register(runFolder.RemoveIfTemporary);

            // A stop during start-up (a resource that never became ready, then SIGTERM) ends the process without
            // ApplicationStopped, so the folder is also removed at process exit. A second removal finds nothing.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => runFolder.RemoveIfTemporary();
            return Task.CompletedTask;
        });
    }
}
