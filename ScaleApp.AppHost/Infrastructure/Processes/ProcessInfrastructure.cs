namespace ScaleApp.AppHost.Infrastructure.Processes;

internal static class ProcessInfrastructure
{
    /// <summary>
    /// Builds the infrastructure from the operating system's packages, each server in its own folder
    /// of the run folder and on ports allocated for this run. Stops at once, naming the package to
    /// install, when a program is missing.
    /// </summary>
    public static ScaleAppInfrastructure AddProcessInfrastructure(
        this IDistributedApplicationBuilder builder,
        ScaleAppSettings settings,
        InfrastructureParameters parameters)
    {
        var binaries = HostBinaries.Locate();
        var runFolder = RunFolder.For(builder, settings);
        var scripts = Path.Combine(builder.AppHostDirectory, "Infrastructure", "Processes", "scripts");
        var context = new ProcessContext(runFolder, binaries, scripts);

        var postgres = builder.AddPostgresPrimaryProcess("postgres", context, parameters);

        // pg_basebackup clones a running primary, so the standby starts only once the primary is healthy.
        var postgresReplica = builder.AddPostgresReplicaProcess("postgres-replica", postgres, context, parameters)
            .WaitFor(postgres);

        var pgbouncer = builder.AddPgBouncerProcess("pgbouncer", postgres, postgresReplica, context, parameters, settings.PgBouncer)
            .WaitFor(postgres)
            .WaitFor(postgresReplica);
        var primaryDb = pgbouncer.AddPooledDatabase("primary-db", PostgresNames.PooledPrimary, parameters);
        var replicaDb = pgbouncer.AddPooledDatabase("replica-db", PostgresNames.PooledReplica, parameters);
        pgbouncer.WithPooledDatabasesHealthCheck(primaryDb, replicaDb);

        var redis = builder.AddRedisProcess("redis", context, parameters);

        var rabbitmq = builder.AddRabbitMQProcess("rabbitmq", context, parameters);

        var mail = builder.AddMailSinkProcess("mail", context);

        CreateRunFolderForTheRun(builder, runFolder,
            [postgres.Resource, postgresReplica.Resource, pgbouncer.Resource, redis.Resource, rabbitmq.Resource, mail.Resource]);

        return new ScaleAppInfrastructure(postgres, postgresReplica, pgbouncer, primaryDb, replicaDb, redis, rabbitmq, mail);
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
            return Task.CompletedTask;
        });
    }
}
