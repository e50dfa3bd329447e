using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ScaleApp.Tests.Distributed;

/// <summary>
/// Starts the whole topology once for every test in the <see cref="TopologyCollection"/>: local
/// processes, ports chosen for this run (the gateway's too), and every resource healthy before the
/// first test runs.
/// </summary>
public sealed class TopologyFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    public static readonly TimeSpan ResourceTimeout = TimeSpan.FromMinutes(3);

    public static readonly string[] ApiReplicaNames = ["api-0", "api-1", "api-2"];

    private static readonly string[] WaitedResources =
        ["postgres", "postgres-replica", "pgbouncer", "redis", "rabbitmq", "mail", .. ApiReplicaNames, "worker", "gateway"];

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The topology has not started.");

    public HttpClient Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _app = await StartAsync(
            ["--ScaleApp:Infrastructure=processes", "--ScaleApp:GatewayPort=0", "--ScaleApp:ApiReplicas=3"],
            ApiReplicaNames,
            WaitedResources);

        Gateway = _app.CreateHttpClient("gateway");
        Gateway.Timeout = TimeSpan.FromSeconds(30);
    }

    /// <summary>
    /// Starts the AppHost with <paramref name="arguments"/>, turns on the diagnostics counters of
    /// <paramref name="apiReplicas"/>, and waits until every resource in <paramref name="waitedResources"/>
    /// is healthy and the migrations have completed.
    /// </summary>
    public static async Task<DistributedApplication> StartAsync(string[] arguments, IEnumerable<string> apiReplicas, IEnumerable<string> waitedResources)
    {
        using var startTimeout = new CancellationTokenSource(StartTimeout);

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ScaleApp_AppHost>(arguments, startTimeout.Token);

        // Tests count cache lookups and database queries per replica through this diagnostics endpoint.
        foreach (var replicaName in apiReplicas)
        {
            builder.CreateResourceBuilder<ProjectResource>(replicaName).WithEnvironment("Diagnostics__ExposeCounters", "true");
        }

        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("ScaleApp", LogLevel.Information)
            // Each resource's own output is long; its warnings and errors still show.
            .AddFilter("ScaleApp.AppHost.Resources", LogLevel.Warning)
            // Health checks fail by design until each server is up; failed waits report them instead.
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));

        var app = await builder.BuildAsync(startTimeout.Token);
        try
        {
            await app.StartAsync(startTimeout.Token);

            foreach (var resourceName in waitedResources)
            {
                await ResourceWaits.WaitForHealthyAsync(app, resourceName, ResourceTimeout);
            }

            await ResourceWaits.WaitForCompletionAsync(app, "migrations", ResourceTimeout);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>Returns the model resource of the given type and name, for paths and endpoints tests need.</summary>
    public T Resource<T>(string name) where T : IResource =>
        App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<T>().Single(resource => resource.Name == name);

    public async Task<string> ConnectionStringAsync(string resourceName) =>
        await App.GetConnectionStringAsync(resourceName)
        ?? throw new InvalidOperationException($"Resource '{resourceName}' has no connection string.");
}

[CollectionDefinition(Name)]
public sealed class TopologyCollection : ICollectionFixture<TopologyFixture>
{
    public const string Name = "topology";
}
