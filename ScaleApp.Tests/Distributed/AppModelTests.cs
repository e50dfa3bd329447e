using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace ScaleApp.Tests.Distributed;

/// <summary>
/// Checks the AppHost's model in local-process mode without starting it: every resource exists,
/// services reference what they use and wait for what they need.
/// </summary>
public sealed class AppModelTests
{
    [Fact]
    public async Task ModelHasEveryResource()
    {
        await using var model = await BuildModelAsync(apiReplicas: 3);

        string[] expected =
        [
            "postgres", "postgres-replica", "pgbouncer", "primary-db", "replica-db", "redis", "rabbitmq", "mail",
            "migrations", "api-0", "api-1", "api-2", "worker", "gateway",
        ];
        foreach (var name in expected)
        {
            Assert.Contains(model.Builder.Resources, resource => resource.Name == name);
        }
    }

    [Fact]
    public async Task ApiReplicaCountFollowsSetting()
    {
        await using var model = await BuildModelAsync(apiReplicas: 5);

        var replicas = model.Builder.Resources.OfType<ProjectResource>()
            .Where(resource => resource.Name.StartsWith("api-", StringComparison.Ordinal))
            .Select(resource => resource.Name)
            .Order();
        Assert.Equal(["api-0", "api-1", "api-2", "api-3", "api-4"], replicas);
    }

    [Theory]
    [InlineData("postgres-replica", "postgres")]
    [InlineData("pgbouncer", "postgres")]
    [InlineData("pgbouncer", "postgres-replica")]
    [InlineData("migrations", "pgbouncer")]
    [InlineData("api-0", "pgbouncer")]
    [InlineData("api-0", "redis")]
    [InlineData("api-0", "rabbitmq")]
    [InlineData("worker", "rabbitmq")]
    [InlineData("worker", "mail")]
    [InlineData("gateway", "api-0")]
    [InlineData("gateway", "api-2")]
    public async Task ResourceWaitsForDependency(string dependent, string dependency)
    {
        await using var model = await BuildModelAsync(apiReplicas: 3);

        var waits = model.Resource(dependent).Annotations.OfType<WaitAnnotation>().ToList();
        Assert.Contains(waits, wait => wait.Resource.Name == dependency && wait.WaitType == WaitType.WaitUntilHealthy);
    }

    [Theory]
    [InlineData("api-0")]
    [InlineData("worker")]
    public async Task ServiceWaitsForMigrations(string service)
    {
        await using var model = await BuildModelAsync(apiReplicas: 3);

        var waits = model.Resource(service).Annotations.OfType<WaitAnnotation>();
        Assert.Contains(waits, wait => wait.Resource.Name == "migrations" && wait.WaitType == WaitType.WaitForCompletion);
    }

    [Theory]
    [InlineData("api-1", "primary-db")]
    [InlineData("api-1", "replica-db")]
    [InlineData("api-1", "redis")]
    [InlineData("api-1", "rabbitmq")]
    [InlineData("worker", "primary-db")]
    [InlineData("worker", "rabbitmq")]
    [InlineData("worker", "mail")]
    [InlineData("migrations", "primary-db")]
    public async Task ServiceReferencesConnection(string service, string connectionName)
    {
        await using var model = await BuildModelAsync(apiReplicas: 3);

        var environment = await model.EnvironmentAsync(service);
        Assert.True(environment.ContainsKey($"ConnectionStrings__{connectionName}"),
            $"'{service}' has no ConnectionStrings__{connectionName}; it has: {string.Join(", ", environment.Keys.Where(key => key.StartsWith("ConnectionStrings__", StringComparison.Ordinal)))}.");
    }

    private static async Task<ModelUnderTest> BuildModelAsync(int apiReplicas)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ScaleApp_AppHost>(
            ["--ScaleApp:Infrastructure=processes", "--ScaleApp:GatewayPort=0", $"--ScaleApp:ApiReplicas={apiReplicas}"]);
        return new ModelUnderTest(builder);
    }

    // Building the app (without starting it) gives the service provider that evaluating a
    // resource's environment needs.
    private sealed class ModelUnderTest(IDistributedApplicationTestingBuilder builder) : IAsyncDisposable
    {
        private DistributedApplication? _app;

        public IDistributedApplicationTestingBuilder Builder { get; } = builder;

        public IResource Resource(string name) => Builder.Resources.Single(resource => resource.Name == name);

        public async Task<Dictionary<string, string?>> EnvironmentAsync(string name)
        {
            // Publish mode renders references as expressions, so no endpoint needs to be allocated.
            _app ??= await Builder.BuildAsync();
            var executionContext = new DistributedApplicationExecutionContext(
                new DistributedApplicationExecutionContextOptions(DistributedApplicationOperation.Publish) { Services = _app.Services });

            var configuration = await ExecutionConfigurationBuilder.Create(Resource(name))
                .WithEnvironmentVariablesConfig()
                .BuildAsync(executionContext);

            if (configuration.Exception is not null)
            {
                throw configuration.Exception;
            }

            return configuration.EnvironmentVariables.ToDictionary(pair => pair.Key, pair => (string?)pair.Value);
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }

            await Builder.DisposeAsync();
        }
    }
}
