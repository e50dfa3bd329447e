using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ScaleApp.AppHost.Services;

/// <summary>
/// Writes one error line to the AppHost's console for each resource that fails to start or exits with a non-zero
/// code. Without it such a failure shows only in the dashboard, and the console of a run whose services never start
/// (for example after an invalid service setting stops the migrations) stays silent.
/// </summary>
internal static class ResourceFailureLog
{
    public static IDistributedApplicationBuilder LogResourceFailures(this IDistributedApplicationBuilder builder)
    {
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, cancellationToken) =>
        {
            var services = @event.Services;
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("ScaleApp.AppHost");
            var notifications = services.GetRequiredService<ResourceNotificationService>();
            var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

            _ = WatchAsync(notifications, logger, stopping);
            return Task.CompletedTask;
        });

        return builder;
    }

    private static async Task WatchAsync(ResourceNotificationService notifications, ILogger logger, CancellationToken stopping)
    {
        // The last failure reported per resource, so repeated snapshots of the same state log once.
        var reported = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            await foreach (var update in notifications.WatchAsync(stopping))
            {
                var snapshot = update.Snapshot;
                var failure = Describe(snapshot.State?.Text, snapshot.ExitCode);
                if (failure is null)
                {
                    reported.Remove(update.Resource.Name);
                    continue;
                }

                if (reported.TryGetValue(update.Resource.Name, out var last) && last == failure)
                {
                    continue;
                }

                reported[update.Resource.Name] = failure;
                logger.LogError(
                    "Resource {Resource} {Failure}. Its console log in the dashboard shows why, and resources that wait for it do not start.",
                    update.Resource.Name,
                    failure);
            }
        }
        catch (OperationCanceledException)
        {
            // The AppHost is stopping.
        }
    }

    /// <summary>Returns the failure in words, or null when the state is not a failure.</summary>
    internal static string? Describe(string? state, int? exitCode)
    {
        if (state == KnownResourceStates.FailedToStart)
        {
            return "failed to start";
        }

        return exitCode is { } code && code != 0 && (state == KnownResourceStates.Exited || state == KnownResourceStates.Finished)
            ? $"exited with code {code}"
            : null;
    }
}
