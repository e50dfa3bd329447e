using ScaleApp.AppHost.Infrastructure.HealthChecks;

namespace ScaleApp.AppHost.Infrastructure.Containers;

internal static class PostgresContainerExtensions
{
    /// <summary>Folder of scripts the postgres image runs once, when it initializes an empty data directory.</summary>
    public const string InitScriptsFolder = "postgres-initdb";

    public const string InitScriptsMountPath = "/docker-entrypoint-initdb.d";

    public const string ReplicaScript = "postgres-replica.sh";

    // Docker and Podman give a container 64 MB of /dev/shm by default. PostgreSQL on Linux allocates
    // the shared memory of parallel queries there (dynamic_shared_memory_type=posix), so large
    // parallel hash joins could fail with "No space left on device".
    private const string SharedMemorySize = "--shm-size=256m";

    /// <summary>
    /// Adds the PostgreSQL primary as a container through Aspire's PostgreSQL integration. Its init
    /// script creates the application role and database and the replication role;
    /// <c>wal_level=replica</c> leaves room for a streaming standby, and memory settings follow the
    /// host's RAM unless <paramref name="tuned"/> is false.
    /// </summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgresPrimaryContainer(
        this IDistributedApplicationBuilder builder,
        string name,
        ContainerContext context,
        InfrastructureParameters parameters,
        bool tuned = true)
    {
        // NOTE: memory settings follow the AppHost machine's RAM. A Docker Desktop or Podman machine
        // VM with less memory than its host gets the same values.
        var serverSettings = PostgresServerSettings.Primary(PostgresTuning.HostMemoryBytes(), tuned);

        var postgres = builder.AddPostgres(name, password: parameters.PostgresPassword)
            .WithPinnedImage(ContainerImages.Postgres)
            .WithBindMount(context.Script(InitScriptsFolder), InitScriptsMountPath, isReadOnly: true)
            .WithEnvironment("APP_PASSWORD", parameters.PostgresAppPassword)
            .WithEnvironment("REPLICATION_PASSWORD", parameters.PostgresReplicationPassword)
            .WithArgs(PostgresServerSettings.ToArguments(serverSettings))
            .WithContainerRuntimeArgs(SharedMemorySize);

        if (context.UseDataVolumes)
        {
            postgres.WithDataVolume();
        }

        return postgres;
    }

    /// <summary>
    /// Adds a hot standby of <paramref name="primary"/> as a container of the same image. Its entry
    /// point clones the primary over the container network with <c>pg_basebackup -R</c> when its data
    /// folder is empty, then starts PostgreSQL streaming WAL from the primary. It is healthy only while
    /// in recovery with its WAL receiver streaming.
    /// </summary>
    public static IResourceBuilder<PostgresReplicaContainerResource> AddPostgresReplicaContainer(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<PostgresServerResource> primary,
        ContainerContext context,
        InfrastructureParameters parameters)
    {
        var resource = new PostgresReplicaContainerResource(name, parameters.PostgresPassword.Resource);
        var serverSettings = PostgresServerSettings.HotStandby(PostgresTuning.HostMemoryBytes());

        // Host and port resolve in the container network: the primary's network alias and port 5432.
        var primaryEndpoint = primary.Resource.PrimaryEndpoint;

        var replica = builder.AddResource(resource)
            .WithPinnedImage(SameImageAs(primary.Resource))
            .WithEndpoint(targetPort: PostgresReplicaContainerResource.Port, name: PostgresReplicaContainerResource.EndpointName, scheme: "tcp")
            .WithIconName("DatabaseMultiple");

        context.MountScript(replica, ReplicaScript);

        replica
            .WithEntrypoint("bash")
            .WithArgs(ContainerContext.MountedScript(ReplicaScript))
            .WithArgs(PostgresServerSettings.ToArguments(serverSettings))
            .WithEnvironment("PRIMARY_HOST", primaryEndpoint.Property(EndpointProperty.Host))
            .WithEnvironment("PRIMARY_PORT", primaryEndpoint.Property(EndpointProperty.Port))
            .WithEnvironment("REPLICATION_PASSWORD", parameters.PostgresReplicationPassword)
            .WithContainerRuntimeArgs(SharedMemorySize)
            .WithReadinessCheck(() => new PostgresServerHealthCheck(resource, PostgresRole.HotStandby));

        if (context.UseDataVolumes)
        {
            replica.WithVolume(VolumeNameGenerator.Generate(replica, "data"), ContainerImages.PostgresDataMountPath);
        }

        return replica;
    }

    // pg_basebackup clones the primary's files, which only the same major version can run.
    private static ContainerImage SameImageAs(ContainerResource primary)
    {
        var image = primary.Annotations.OfType<ContainerImageAnnotation>().Last();
        return new ContainerImage(image.Registry ?? ContainerImages.Postgres.Registry, image.Image, image.Tag ?? ContainerImages.Postgres.Tag);
    }
}
