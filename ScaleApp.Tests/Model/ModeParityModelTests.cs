using Aspire.Hosting.ApplicationModel;

namespace ScaleApp.Tests.Model;

/// <summary>
/// Checks that local-process mode and containers mode build the same topology: the same resource
/// names, the same connection strings for each service, the same health checks and the same start
/// order. Only the kind of each infrastructure resource may differ.
/// </summary>
public sealed class ModeParityModelTests(ModelFixture models) : IClassFixture<ModelFixture>
{
    public static readonly TheoryData<string> Modes = new() { "processes", "containers" };

    private static readonly string[] InfrastructureNames = ["postgres", "postgres-replica", "pgbouncer", "redis", "rabbitmq", "mail"];

    // The connections each service receives, as the contract between the AppHost and the services fixes them.
    public static readonly TheoryData<string, string, string[]> ServiceConnections = ForBothModes(
        ("api-0", ["primary-db", "rabbitmq", "redis", "replica-db"]),
        ("api-1", ["primary-db", "rabbitmq", "redis", "replica-db"]),
        ("api-2", ["primary-db", "rabbitmq", "redis", "replica-db"]),
        ("worker", ["mail", "primary-db", "rabbitmq"]),
        ("migrations", ["primary-db"]),
        ("gateway", []));

    public static readonly TheoryData<string, string, string> HealthyWaits = ForBothModes(
        ("postgres-replica", "postgres"),
        ("pgbouncer", "postgres"),
        ("pgbouncer", "postgres-replica"),
        ("migrations", "pgbouncer"),
        ("api-0", "pgbouncer"),
        ("api-0", "redis"),
        ("api-0", "rabbitmq"),
        ("api-2", "pgbouncer"),
        ("worker", "pgbouncer"),
        ("worker", "rabbitmq"),
        ("worker", "mail"),
        ("gateway", "api-0"),
        ("gateway", "api-2"));

    [Theory]
    [MemberData(nameof(Modes))]
    public void ModelHasEveryResource(string mode)
    {
        var model = models.For(mode);

        string[] expected =
        [
            .. InfrastructureNames, "primary-db", "replica-db",
            "migrations", "api-0", "api-1", "api-2", "worker", "gateway",
        ];
        foreach (var name in expected)
        {
            Assert.Contains(model.Builder.Resources, resource => resource.Name == name);
        }
    }

    [Fact]
    public void ModesHaveSameResourceNames()
    {
        // Parameters are left out: containers mode adds the RabbitMQ user name as one.
        static List<string> Names(ModelUnderTest model) => model.Builder.Resources
            .Where(resource => resource is not ParameterResource)
            .Select(resource => resource.Name)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(Names(models.Processes), Names(models.Containers));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void InfrastructureIsOfModeKind(string mode)
    {
        var model = models.For(mode);

        foreach (var name in InfrastructureNames)
        {
            var resource = model.Resource(name);
            if (mode == "containers")
            {
                Assert.True(resource is ContainerResource, $"'{name}' is a {resource.GetType().Name}, not a container, in containers mode.");
            }
            else
            {
                Assert.True(resource is ExecutableResource, $"'{name}' is a {resource.GetType().Name}, not an executable, in processes mode.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ServiceConnections))]
    public async Task ServiceGetsContractConnections(string mode, string service, string[] expected)
    {
        var environment = await models.For(mode).EnvironmentAsync(service);

        // Aspire also writes each name with '_' for '-' (ConnectionStrings__primary_db); both forms count once.
        var connectionNames = environment.Keys
            .Where(key => key.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
            .Select(key => key["ConnectionStrings__".Length..].Replace('_', '-'))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(expected, connectionNames);

        foreach (var name in connectionNames)
        {
            Assert.Equal($"{{{name}.connectionString}}", environment[$"ConnectionStrings__{name}"]);
        }
    }

    [Theory]
    [InlineData("api-0")]
    [InlineData("api-2")]
    [InlineData("worker")]
    [InlineData("migrations")]
    [InlineData("gateway")]
    public async Task ServiceSettingsAgreeAcrossModes(string service)
    {
        var processes = await models.Processes.EnvironmentAsync(service);
        var containers = await models.Containers.EnvironmentAsync(service);

        // Aspire's Redis and RabbitMQ integrations also pass their connection properties
        // (REDIS_HOST, RABBITMQ_URI, ...); the services read only connection strings, so those are left out.
        static bool IsServiceSetting(string key) =>
            key.StartsWith("ConnectionStrings__", StringComparison.Ordinal) ||
            key.StartsWith("services__", StringComparison.Ordinal) ||
            key.StartsWith("ReverseProxy__", StringComparison.Ordinal) ||
            key == "InstanceName";

        var processSettings = processes.Where(pair => IsServiceSetting(pair.Key)).OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList();
        var containerSettings = containers.Where(pair => IsServiceSetting(pair.Key)).OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(processSettings, containerSettings);
    }

    [Theory]
    [MemberData(nameof(HealthyWaits))]
    public void ResourceWaitsUntilHealthy(string mode, string dependent, string dependency)
    {
        var waits = models.For(mode).Resource(dependent).Annotations.OfType<WaitAnnotation>();

        Assert.Contains(waits, wait => wait.Resource.Name == dependency && wait.WaitType == WaitType.WaitUntilHealthy);
    }

    [Theory]
    [InlineData("processes", "api-0")]
    [InlineData("processes", "worker")]
    [InlineData("containers", "api-0")]
    [InlineData("containers", "api-1")]
    [InlineData("containers", "worker")]
    public void ServiceWaitsForMigrations(string mode, string service)
    {
        var waits = models.For(mode).Resource(service).Annotations.OfType<WaitAnnotation>();

        Assert.Contains(waits, wait => wait.Resource.Name == "migrations" && wait.WaitType == WaitType.WaitForCompletion);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void InfrastructureHasHealthCheck(string mode)
    {
        var model = models.For(mode);

        foreach (var name in InfrastructureNames)
        {
            Assert.True(model.Resource(name).Annotations.OfType<HealthCheckAnnotation>().Any(),
                $"'{name}' has no health check in {mode} mode, so nothing could wait until it is ready.");
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void StandbyAndPoolerUseSharedHealthChecks(string mode)
    {
        var model = models.For(mode);

        // Both modes register the same checks: streaming replication for the standby, a login
        // through every pooled database for PgBouncer.
        Assert.Contains(model.Resource("postgres-replica").Annotations.OfType<HealthCheckAnnotation>(), check => check.Key == "postgres-replica-ready");
        Assert.Contains(model.Resource("pgbouncer").Annotations.OfType<HealthCheckAnnotation>(), check => check.Key == "pgbouncer-ready");
        Assert.Contains(model.Resource("mail").Annotations.OfType<HealthCheckAnnotation>(), check => check.Key == "mail-ready");
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task PgBouncerPoolSizesFollowSettings(string mode)
    {
        var environment = await models.For(mode).EnvironmentAsync("pgbouncer");

        Assert.Equal(ModelFixture.DefaultPoolSize.ToString(), environment["DEFAULT_POOL_SIZE"]);
        Assert.Equal(ModelFixture.MaxClientConnections.ToString(), environment["MAX_CLIENT_CONN"]);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ReplicaGetsSameStandbySettings(string mode)
    {
        var arguments = await models.For(mode).ArgumentsAsync("postgres-replica");

        Assert.Contains("hot_standby_feedback=on", arguments);
        Assert.Contains("max_connections=200", arguments);
    }

    private static TheoryData<string, string, string[]> ForBothModes(params (string Service, string[] Connections)[] rows)
    {
        var data = new TheoryData<string, string, string[]>();
        foreach (var mode in new[] { "processes", "containers" })
        {
            foreach (var (service, connections) in rows)
            {
                data.Add(mode, service, connections);
            }
        }

        return data;
    }

    private static TheoryData<string, string, string> ForBothModes(params (string Dependent, string Dependency)[] rows)
    {
        var data = new TheoryData<string, string, string>();
        foreach (var mode in new[] { "processes", "containers" })
        {
            foreach (var (dependent, dependency) in rows)
            {
                data.Add(mode, dependent, dependency);
            }
        }

        return data;
    }
}
