using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace ScaleApp.Tests.Distributed.Stages;

/// <summary>
/// Starts stage 0 of the scaling story once for the <see cref="OneServerStageCollection"/>: PostgreSQL,
/// the SMTP sink, the migrations and one API replica, which is the public endpoint.
/// </summary>
public sealed class OneServerStageFixture : IAsyncLifetime
{
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("Stage 0 has not started.");

    /// <summary>Client of the public endpoint, which in stage 0 is api-0 itself.</summary>
    public HttpClient Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _app = await TopologyFixture.StartAsync(
            ["--ScaleApp:Infrastructure=processes", "--ScaleApp:GatewayPort=0", "--ScaleApp:Stage=0"],
            ["api-0"],
            ["postgres", "mail", "api-0"]);

        Api = _app.CreateHttpClient("api-0", "http");
        Api.Timeout = TimeSpan.FromSeconds(30);
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public T Resource<T>(string name) where T : IResource =>
        App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<T>().Single(resource => resource.Name == name);
}

// Runs alone, after the parallel collections, so its servers never compete for CPU with the timing
// checks of the full topology's tests.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OneServerStageCollection : ICollectionFixture<OneServerStageFixture>
{
    public const string Name = "stage-0";
}
