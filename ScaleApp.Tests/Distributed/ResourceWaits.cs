using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace ScaleApp.Tests.Distributed;

/// <summary>
/// Waits on resources of a running app with a timeout on every wait. A failed wait names the
/// resource, its state and health reports, and its recent logs, so a test failure explains itself.
/// </summary>
internal static class ResourceWaits
{
    private const int LogLinesShown = 40;

    public static async Task WaitForHealthyAsync(DistributedApplication app, string resourceName, TimeSpan timeout)
    {
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        if (!model.Resources.Any(resource => resource.Name == resourceName))
        {
            var names = string.Join(", ", model.Resources.Select(resource => resource.Name).Order());
            throw new InvalidOperationException($"No resource named '{resourceName}' exists in the app model. Resources: {names}.");
        }

        using var timeoutSource = new CancellationTokenSource(timeout);

        try
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(
                resourceName, WaitBehavior.StopOnResourceUnavailable, timeoutSource.Token);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Resource '{resourceName}' was not healthy within {timeout.TotalSeconds:0} s. " +
                await DescribeAsync(app, resourceName));
        }
        catch (DistributedApplicationException ex)
        {
            throw new InvalidOperationException(
                $"Resource '{resourceName}' stopped before it was healthy: {ex.Message} " +
                await DescribeAsync(app, resourceName), ex);
        }
    }

    /// <summary>Waits until a one-shot resource has exited with code 0.</summary>
    public static async Task WaitForCompletionAsync(DistributedApplication app, string resourceName, TimeSpan timeout)
    {
        using var timeoutSource = new CancellationTokenSource(timeout);

        ResourceEvent finished;
        try
        {
            finished = await app.ResourceNotifications.WaitForResourceAsync(
                resourceName, resourceEvent => KnownResourceStates.TerminalStates.Contains(resourceEvent.Snapshot.State?.Text), timeoutSource.Token);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Resource '{resourceName}' did not finish within {timeout.TotalSeconds:0} s. " + await DescribeAsync(app, resourceName));
        }

        if (finished.Snapshot.ExitCode is not 0)
        {
            throw new InvalidOperationException(
                $"Resource '{resourceName}' finished unsuccessfully. " + await DescribeAsync(app, resourceName));
        }
    }

    /// <summary>Returns the resource's state, health reports and last log lines as text.</summary>
    public static async Task<string> DescribeAsync(DistributedApplication app, string resourceName)
    {
        var description = new StringBuilder();

        if (app.ResourceNotifications.TryGetCurrentState(resourceName, out var current))
        {
            var snapshot = current.Snapshot;
            description.Append($"State: {snapshot.State?.Text ?? "unknown"}, exit code: {snapshot.ExitCode?.ToString() ?? "none"}.");

            foreach (var report in snapshot.HealthReports)
            {
                description.Append($" Health check '{report.Name}': {report.Status?.ToString() ?? "not run"} {report.Description} {report.ExceptionText}".TrimEnd() + ".");
            }
        }

        var lines = await ReadRecentLogsAsync(app, resourceName);
        description.AppendLine().Append($"Last {lines.Count} log lines of '{resourceName}':");
        foreach (var line in lines)
        {
            description.AppendLine().Append("  ").Append(line);
        }

        return description.ToString();
    }

    private static async Task<IReadOnlyList<string>> ReadRecentLogsAsync(DistributedApplication app, string resourceName)
    {
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var resource = model.Resources.Single(candidate => candidate.Name == resourceName);
        var loggerService = app.Services.GetRequiredService<ResourceLoggerService>();

        // GetAllAsync reads everything the resource has written so far and then completes.
        using var readTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var lines = new List<string>();
        await foreach (var batch in loggerService.GetAllAsync(resource).WithCancellation(readTimeout.Token))
        {
            lines.AddRange(batch.Select(line => line.Content));
        }

        return lines.TakeLast(LogLinesShown).ToList();
    }
}
