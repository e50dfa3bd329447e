using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace ScaleApp.Tests.Distributed;

/// <summary>Stops and starts resources of a running app for fault tests, through Aspire's resource commands.</summary>
internal static class ResourceControl
{
    public static async Task StopAsync(DistributedApplication app, string resourceName)
    {
        var result = await app.ResourceCommands.ExecuteCommandAsync(resourceName, KnownResourceCommands.StopCommand);
        Assert.True(result.Success, $"Stopping '{resourceName}' failed: {result.Message}");
        await WaitForTerminalStateAsync(app, resourceName);
    }

    /// <summary>Starts the resource unless it is running, and waits until it is healthy.</summary>
    public static async Task EnsureRunningAsync(DistributedApplication app, string resourceName)
    {
        if (app.ResourceNotifications.TryGetCurrentState(resourceName, out var current)
            && current.Snapshot.State?.Text != KnownResourceStates.Running)
        {
            await WaitForTerminalStateAsync(app, resourceName);
            var result = await app.ResourceCommands.ExecuteCommandAsync(resourceName, KnownResourceCommands.StartCommand);
            Assert.True(result.Success, $"Starting '{resourceName}' failed: {result.Message}");
        }

        await ResourceWaits.WaitForHealthyAsync(app, resourceName, TopologyFixture.ResourceTimeout);
    }

    public static async Task WaitForTerminalStateAsync(DistributedApplication app, string resourceName)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.ResourceNotifications.WaitForResourceAsync(
            resourceName,
            resourceEvent => KnownResourceStates.TerminalStates.Contains(resourceEvent.Snapshot.State?.Text),
            timeout.Token);
    }
}
