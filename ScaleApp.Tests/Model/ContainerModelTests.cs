using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using ScaleApp.AppHost.Infrastructure.Containers;

namespace ScaleApp.Tests.Model;

/// <summary>
/// Checks the infrastructure of containers mode in the AppHost's model without starting it (no
/// container engine is needed): images and tags, the arguments and environment that set up
/// replication and pooling, credentials taken from parameters, endpoints, mounts and start order.
/// </summary>
public sealed class ContainerModelTests(ModelFixture models) : IClassFixture<ModelFixture>
{
    private static readonly string[] InfrastructureNames = ["postgres", "postgres-replica", "pgbouncer", "redis", "rabbitmq", "mail"];

    private ModelUnderTest Model => models.Containers;

    [Theory]
    [InlineData("postgres", "docker.io", "library/postgres", "18.3")]
    [InlineData("postgres-replica", "docker.io", "library/postgres", "18.3")]
    [InlineData("pgbouncer", "docker.io", "edoburu/pgbouncer", "v1.25.2-p0")]
    [InlineData("redis", "docker.io", "library/redis", "8.6")]
    [InlineData("rabbitmq", "docker.io", "library/rabbitmq", "4.3-management")]
    [InlineData("mail", "docker.io", "axllent/mailpit", "v1.30.5")]
    public void ResourceRunsPinnedImage(string name, string registry, string image, string tag)
    {
        var annotation = Model.Resource<ContainerResource>(name).Annotations.OfType<ContainerImageAnnotation>().Last();

        Assert.Equal(registry, annotation.Registry);
        Assert.Equal(image, annotation.Image);
        Assert.Equal(tag, annotation.Tag);
    }

    [Fact]
    public void ReplicaRunsPrimaryImage()
    {
        var primary = Model.Resource("postgres").Annotations.OfType<ContainerImageAnnotation>().Last();
        var replica = Model.Resource("postgres-replica").Annotations.OfType<ContainerImageAnnotation>().Last();

        Assert.Equal($"{primary.Registry}/{primary.Image}:{primary.Tag}", $"{replica.Registry}/{replica.Image}:{replica.Tag}");
    }

    [Theory]
    [InlineData("wal_level=replica")]
    [InlineData("max_wal_senders=10")]
    [InlineData("wal_keep_size=512MB")]
    [InlineData("max_connections=200")]
    [InlineData("password_encryption=scram-sha-256")]
    public async Task PrimaryServerSetting(string setting)
    {
        var arguments = await Model.ArgumentsAsync("postgres");

        AssertServerSetting(arguments, setting);
    }

    [Theory]
    [InlineData("postgres", "shared_buffers=")]
    [InlineData("postgres", "effective_cache_size=")]
    [InlineData("postgres", "work_mem=")]
    [InlineData("postgres-replica", "shared_buffers=")]
    [InlineData("postgres-replica", "maintenance_work_mem=")]
    public async Task ServerGetsMemoryTuning(string name, string settingPrefix)
    {
        var arguments = await Model.ArgumentsAsync(name);

        var settings = ServerSettings(arguments);
        Assert.Contains(settings, setting => setting.StartsWith(settingPrefix, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("postgres", "POSTGRES_USER", "postgres")]
    [InlineData("postgres", "POSTGRES_PASSWORD", "{postgres-password.value}")]
    [InlineData("postgres", "APP_PASSWORD", "{postgres-app-password.value}")]
    [InlineData("postgres", "REPLICATION_PASSWORD", "{postgres-replication-password.value}")]
    [InlineData("postgres-replica", "PRIMARY_HOST", "{postgres.bindings.tcp.host}")]
    [InlineData("postgres-replica", "PRIMARY_PORT", "{postgres.bindings.tcp.port}")]
    [InlineData("postgres-replica", "REPLICATION_PASSWORD", "{postgres-replication-password.value}")]
    [InlineData("pgbouncer", "PRIMARY_HOST", "{postgres.bindings.tcp.host}")]
    [InlineData("pgbouncer", "PRIMARY_PORT", "{postgres.bindings.tcp.port}")]
    [InlineData("pgbouncer", "REPLICA_HOST", "{postgres-replica.bindings.tcp.host}")]
    [InlineData("pgbouncer", "REPLICA_PORT", "{postgres-replica.bindings.tcp.port}")]
    [InlineData("pgbouncer", "APP_PASSWORD", "{postgres-app-password.value}")]
    [InlineData("pgbouncer", "LISTEN_PORT", "6432")]
    [InlineData("redis", "REDIS_PASSWORD", "{redis-password.value}")]
    [InlineData("rabbitmq", "RABBITMQ_DEFAULT_USER", "{rabbitmq-user.value}")]
    [InlineData("rabbitmq", "RABBITMQ_DEFAULT_PASS", "{rabbitmq-password.value}")]
    public async Task ContainerEnvironmentVariable(string name, string variable, string expected)
    {
        var environment = await Model.EnvironmentAsync(name);

        Assert.True(environment.ContainsKey(variable), $"'{name}' has no {variable}; it has: {string.Join(", ", environment.Keys)}.");
        Assert.Equal(expected, environment[variable]);
    }

    [Fact]
    public async Task PgBouncerPoolSizesFollowSettings()
    {
        var environment = await Model.EnvironmentAsync("pgbouncer");

        Assert.Equal(ModelFixture.DefaultPoolSize.ToString(), environment["DEFAULT_POOL_SIZE"]);
        Assert.Equal(ModelFixture.MaxClientConnections.ToString(), environment["MAX_CLIENT_CONN"]);
    }

    [Fact]
    public void RabbitMQUserIsNotGuest()
    {
        var user = Model.Resource<ParameterResource>("rabbitmq-user");

        Assert.False(user.Secret);
        Assert.Equal("scaleapp", RabbitMQContainerExtensions.UserName);
    }

    [Theory]
    [InlineData("postgres-replica", "bash", "/scaleapp/postgres-replica.sh")]
    [InlineData("pgbouncer", "/bin/sh", "/scaleapp/pgbouncer.sh")]
    public async Task EntryPointIsMountedScript(string name, string entrypoint, string script)
    {
        var container = Model.Resource<ContainerResource>(name);
        var arguments = await Model.ArgumentsAsync(name);

        Assert.Equal(entrypoint, container.Entrypoint);
        Assert.Equal(script, arguments[0]);

        var mount = container.Annotations.OfType<ContainerMountAnnotation>().SingleOrDefault(candidate => candidate.Target == script);
        Assert.NotNull(mount);
        Assert.Equal(ContainerMountType.BindMount, mount.Type);
        Assert.True(mount.IsReadOnly);
        Assert.True(File.Exists(mount.Source), $"The script mounted at {script} does not exist at {mount.Source}.");
    }

    [Fact]
    public void PrimaryMountsInitScripts()
    {
        var mount = Model.Resource<ContainerResource>("postgres").Annotations.OfType<ContainerMountAnnotation>()
            .SingleOrDefault(candidate => candidate.Target == "/docker-entrypoint-initdb.d");

        Assert.NotNull(mount);
        Assert.Equal(ContainerMountType.BindMount, mount.Type);
        Assert.True(mount.IsReadOnly);
        Assert.True(Directory.Exists(mount.Source), $"The init script folder {mount.Source} does not exist.");
        Assert.Equal(["scaleapp-roles.sh"], Directory.GetFiles(mount.Source!).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("CREATE ROLE replicator WITH LOGIN REPLICATION PASSWORD :'replication_password'")]
    [InlineData("CREATE ROLE scaleapp WITH LOGIN PASSWORD :'app_password'")]
    [InlineData("CREATE DATABASE scaleapp OWNER scaleapp")]
    [InlineData("host    replication  replicator  samenet  scram-sha-256")]
    public void InitScriptCreates(string statement)
    {
        var script = File.ReadAllText(MountedSource("postgres", "/docker-entrypoint-initdb.d", "scaleapp-roles.sh"));

        Assert.Contains(statement, script);
    }

    [Theory]
    [InlineData("pg_basebackup")]
    [InlineData("--write-recovery-conf")]
    [InlineData("-c hot_standby=on")]
    [InlineData("-c primary_conninfo=\"$primary_conninfo\"")]
    [InlineData("exec docker-entrypoint.sh postgres")]
    public void ReplicaScriptClonesAndStreams(string fragment)
    {
        var script = File.ReadAllText(MountedSource("postgres-replica", "/scaleapp/postgres-replica.sh"));

        Assert.Contains(fragment, script);
    }

    [Theory]
    [InlineData("pool_mode = transaction")]
    [InlineData("auth_type = scram-sha-256")]
    [InlineData("scaleapp = host=$PRIMARY_HOST port=$PRIMARY_PORT dbname=scaleapp")]
    [InlineData("${REPLICA_PORT:+scaleapp_replica = host=${REPLICA_HOST:-} port=$REPLICA_PORT dbname=scaleapp}")]
    [InlineData("default_pool_size = $DEFAULT_POOL_SIZE")]
    [InlineData("max_client_conn = $MAX_CLIENT_CONN")]
    public void PgBouncerScriptConfigures(string line)
    {
        var script = File.ReadAllText(MountedSource("pgbouncer", "/scaleapp/pgbouncer.sh"));

        Assert.Contains(line, script);
    }

    [Theory]
    [InlineData("postgres", "tcp", 5432, "tcp")]
    [InlineData("postgres-replica", "tcp", 5432, "tcp")]
    [InlineData("pgbouncer", "tcp", 6432, "tcp")]
    [InlineData("redis", "tcp", 6379, "redis")]
    [InlineData("rabbitmq", "tcp", 5672, "tcp")]
    [InlineData("rabbitmq", "management", 15672, "http")]
    [InlineData("mail", "smtp", 1025, "smtp")]
    [InlineData("mail", "http", 8025, "http")]
    public void ContainerExposesEndpoint(string name, string endpointName, int targetPort, string scheme)
    {
        var endpoints = Model.Resource<ContainerResource>(name).Annotations.OfType<EndpointAnnotation>().ToList();

        var endpoint = endpoints.SingleOrDefault(candidate => candidate.Name == endpointName);
        Assert.True(endpoint is not null, $"'{name}' has no endpoint '{endpointName}'; it has: {string.Join(", ", endpoints.Select(candidate => candidate.Name))}.");
        Assert.Equal(targetPort, endpoint.TargetPort);
        Assert.Equal(scheme, endpoint.UriScheme);
    }

    [Theory]
    [InlineData("primary-db", "scaleapp")]
    [InlineData("replica-db", "scaleapp_replica")]
    public void PooledDatabaseGoesThroughPgBouncer(string name, string logicalDatabase)
    {
        var database = Model.Resource<IResourceWithConnectionString>(name);
        var expression = database.ConnectionStringExpression.ValueExpression;

        var child = Assert.IsAssignableFrom<IResourceWithParent>(database);
        Assert.Equal("pgbouncer", child.Parent.Name);
        Assert.Contains("{pgbouncer.bindings.tcp.", expression);
        Assert.Contains($"Database={logicalDatabase};", expression);
        Assert.Contains("Username=scaleapp;", expression);
        Assert.Contains("{postgres-app-password.value}", expression);
        Assert.EndsWith("No Reset On Close=true;Max Auto Prepare=0", expression);
    }

    [Fact]
    public void MailConnectionStringIsSmtpEndpoint()
    {
        var expression = Model.Resource<IResourceWithConnectionString>("mail").ConnectionStringExpression.ValueExpression;

        Assert.Equal("Endpoint=smtp://{mail.bindings.smtp.host}:{mail.bindings.smtp.port}", expression);
    }

    [Theory]
    [InlineData("postgres-replica", "postgres")]
    [InlineData("pgbouncer", "postgres")]
    [InlineData("pgbouncer", "postgres-replica")]
    public void InfrastructureStartsAfterDependency(string dependent, string dependency)
    {
        var waits = Model.Resource(dependent).Annotations.OfType<WaitAnnotation>();

        Assert.Contains(waits, wait => wait.Resource.Name == dependency && wait.WaitType == WaitType.WaitUntilHealthy);
    }

    [Fact]
    public void NoDataVolumesByDefault()
    {
        foreach (var name in InfrastructureNames)
        {
            var volumes = Model.Resource(name).Annotations.OfType<ContainerMountAnnotation>()
                .Where(mount => mount.Type == ContainerMountType.Volume);
            Assert.True(!volumes.Any(), $"'{name}' has a data volume although ScaleApp:KeepData is false.");
        }
    }

    [Theory]
    [InlineData("postgres", "/var/lib/postgresql")]
    [InlineData("postgres-replica", "/var/lib/postgresql")]
    [InlineData("rabbitmq", "/var/lib/rabbitmq")]
    [InlineData("mail", "/data")]
    public void KeptDataGetsNamedVolume(string name, string target)
    {
        var volume = models.ContainersKeepingData.Resource(name).Annotations.OfType<ContainerMountAnnotation>()
            .SingleOrDefault(mount => mount.Type == ContainerMountType.Volume);

        Assert.NotNull(volume);
        Assert.Equal(target, volume.Target);
        Assert.False(string.IsNullOrEmpty(volume.Source), $"The volume of '{name}' has no name, so it would not outlive the run.");
    }

    [Fact]
    public void RedisGetsNoVolumeWhenKeepingData()
    {
        var volumes = models.ContainersKeepingData.Resource("redis").Annotations.OfType<ContainerMountAnnotation>()
            .Where(mount => mount.Type == ContainerMountType.Volume);

        Assert.Empty(volumes);
    }

    [Fact]
    public async Task MailpitStoresMessagesInVolumeWhenKeepingData()
    {
        var kept = await models.ContainersKeepingData.EnvironmentAsync("mail");
        var temporary = await Model.EnvironmentAsync("mail");

        Assert.Equal("/data/mailpit.db", kept["MP_DATABASE"]);
        Assert.False(temporary.ContainsKey("MP_DATABASE"));
    }

    [Fact]
    public async Task StartFailsWithoutContainerRuntime()
    {
        await using var model = await ModelUnderTest.BuildAsync("containers");
        model.Builder.Services.AddSingleton<IContainerRuntimeProbe>(
            new FixedProbe(new ContainerRuntimeStatus(null, "docker: Cannot connect to the Docker daemon")));

        await using var app = await model.Builder.BuildAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        // The testing host runs the AppHost's Run(), which wraps the failure in an AggregateException.
        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync(timeout.Token));
        var error = thrown as DistributedApplicationException ?? thrown.InnerException as DistributedApplicationException;

        Assert.True(error is not null, $"Start failed with {thrown.GetType().Name} instead of a DistributedApplicationException: {thrown}");
        Assert.Contains("Cannot connect to the Docker daemon", error.Message);
        Assert.Contains("--ScaleApp:Infrastructure=processes", error.Message);
    }

    private string MountedSource(string name, string target, string? fileName = null)
    {
        var mount = Model.Resource(name).Annotations.OfType<ContainerMountAnnotation>().Single(candidate => candidate.Target == target);
        return fileName is null ? mount.Source! : Path.Combine(mount.Source!, fileName);
    }

    private static void AssertServerSetting(IReadOnlyList<string> arguments, string setting)
    {
        Assert.Contains(setting, ServerSettings(arguments));
    }

    // Settings are passed as pairs: "-c", "name=value".
    private static List<string> ServerSettings(IReadOnlyList<string> arguments)
    {
        var settings = new List<string>();
        for (var index = 0; index < arguments.Count - 1; index++)
        {
            if (arguments[index] == "-c")
            {
                settings.Add(arguments[index + 1]);
            }
        }

        return settings;
    }

    private sealed class FixedProbe(ContainerRuntimeStatus status) : IContainerRuntimeProbe
    {
        public ContainerRuntimeStatus Probe() => status;
    }
}
