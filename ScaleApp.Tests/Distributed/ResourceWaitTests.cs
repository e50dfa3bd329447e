using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ScaleApp.Tests.Distributed;

/// <summary>
/// A wait on a resource that does not exist, or that never becomes healthy, must fail within its
/// timeout with a message that names the cause, instead of hanging the test run.
/// </summary>
public sealed class ResourceWaitTests : IAsyncLifetime
{
    private const string NeverHealthyName = "never-healthy";
    private const string StartupLogLine = "starting a server that never becomes healthy";

    private DistributedApplication? _app;

    public async Task InitializeAsync()
    {
        // The testing builder finds DCP through an AppHost assembly, so it starts from ScaleApp's
        // AppHost. The topology's resources are then removed, and only the resource under test runs.
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ScaleApp_AppHost>(
            ["--ScaleApp:Infrastructure=processes", "--ScaleApp:GatewayPort=0"]);
        foreach (var resource in builder.Resources.ToList())
        {
            builder.Resources.Remove(resource);
        }

        builder.Services.AddHealthChecks().AddCheck(
            "never-healthy-check", () => HealthCheckResult.Unhealthy("this check never passes"));

        builder.AddExecutable(NeverHealthyName, "bash", Path.GetTempPath(), "-c", $"echo '{StartupLogLine}'; exec sleep 600")
            .WithHealthCheck("never-healthy-check");

        _app = await builder.BuildAsync();
        using var startTimeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await _app.StartAsync(startTimeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task MissingResourceFailsAtOnce()
    {
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => ResourceWaits.WaitForHealthyAsync(_app!, "no-such-resource", TimeSpan.FromSeconds(30)));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"The wait took {stopwatch.Elapsed}.");
        Assert.Contains("no-such-resource", error.Message);
        Assert.Contains(NeverHealthyName, error.Message);
    }

    [Fact]
    public async Task NeverHealthyResourceTimesOutWithLogs()
    {
        var timeout = TimeSpan.FromSeconds(8);
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TimeoutException>(
            () => ResourceWaits.WaitForHealthyAsync(_app!, NeverHealthyName, timeout));

        Assert.True(stopwatch.Elapsed < timeout + TimeSpan.FromSeconds(5), $"The wait took {stopwatch.Elapsed} with a timeout of {timeout}.");
        Assert.Contains(NeverHealthyName, error.Message);
        Assert.True(error.Message.Contains("this check never passes", StringComparison.Ordinal), $"The health report is missing from: {error.Message}");
        Assert.True(error.Message.Contains(StartupLogLine, StringComparison.Ordinal), $"The resource's log is missing from: {error.Message}");
    }
}
