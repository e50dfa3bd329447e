namespace ScaleApp.AppHost.Services;

internal static class SeedCommandExtensions
{
    /// <summary>
    /// Adds the dashboard command "seed" to the migrations resource: it reruns the migrations with
    /// <c>Seed__Enabled=true</c>, which tops users and posts up to the <c>Seed:Users</c> and
    /// <c>Seed:Posts</c> targets (10,000 and 200,000 unless given to the AppHost), and reports the
    /// run's exit code. Seed settings given to the AppHost reach the migrations on every run.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSeedCommand(this IResourceBuilder<ProjectResource> migrations, IConfiguration configuration)
    {
        var seedRequested = false;

        return migrations
            .WithEnvironment(context =>
            {
                // Seed settings given to the AppHost (--Seed:Enabled=true --Seed:Users=N --Seed:Posts=M) reach the migrations.
                foreach (var (key, value) in configuration.GetSection("Seed").AsEnumerable(makePathsRelative: true))
                {
                    if (value is not null)
                    {
                        context.EnvironmentVariables[$"Seed__{key.Replace(":", "__", StringComparison.Ordinal)}"] = value;
                    }
                }

                if (seedRequested)
                {
                    context.EnvironmentVariables["Seed__Enabled"] = "true";
                }
            })
            .WithCommand(
                "seed",
                "Seed sample data",
                async context =>
                {
                    seedRequested = true;
                    var notifications = context.Services.GetRequiredService<ResourceNotificationService>();

                    // Watching starts before the restart, so the whole run is seen. The first event replays the
                    // previous run's end, which comes before any non-terminal state and is therefore skipped.
                    var finished = WaitForNextRunExitCodeAsync(notifications, context.ResourceName, context.CancellationToken);
                    var commands = context.Services.GetRequiredService<ResourceCommandService>();
                    var started = await commands.ExecuteCommandAsync(context.ResourceName, KnownResourceCommands.StartCommand, context.CancellationToken);
                    if (!started.Success)
                    {
                        return started;
                    }

                    var exitCode = await finished;
                    return exitCode == 0
                        ? CommandResults.Success()
                        : CommandResults.Failure($"Seeding exited with code {exitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}; see the logs of '{context.ResourceName}'.");
                },
                new CommandOptions
                {
                    Description = "Reruns the migrations and then loads sample users and posts with binary COPY, up to the target counts.",
                    IconName = "DatabaseArrowUp",
                    UpdateState = context => KnownResourceStates.TerminalStates.Contains(context.ResourceSnapshot.State?.Text)
                        ? ResourceCommandState.Enabled
                        : ResourceCommandState.Disabled,
                });
    }

    private static async Task<int?> WaitForNextRunExitCodeAsync(ResourceNotificationService notifications, string resourceName, CancellationToken cancellationToken)
    {
        var running = false;
        await foreach (var resourceEvent in notifications.WatchAsync(cancellationToken))
        {
            if (resourceEvent.Resource.Name != resourceName && resourceEvent.ResourceId != resourceName)
            {
                continue;
            }

            var terminal = KnownResourceStates.TerminalStates.Contains(resourceEvent.Snapshot.State?.Text);
            if (!terminal)
            {
                running = true;
            }
            else if (running)
            {
                return resourceEvent.Snapshot.ExitCode;
            }
        }

        return null;
    }
}
