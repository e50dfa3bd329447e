namespace ScaleApp.AppHost.Infrastructure;

internal static class InfrastructureModeLogging
{
    /// <summary>Logs the infrastructure mode and why it was chosen when the AppHost starts.</summary>
    public static void LogInfrastructureMode(this IDistributedApplicationBuilder builder, InfrastructureMode mode, string reason)
    {
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ScaleApp.AppHost");
            logger.LogInformation("Infrastructure mode: {Mode}, because {Reason}", mode, reason);
            return Task.CompletedTask;
        });
    }
}
