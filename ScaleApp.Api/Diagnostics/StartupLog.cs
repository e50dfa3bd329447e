namespace ScaleApp.Api.Diagnostics;

internal static class StartupLog
{
    /// <summary>
    /// Registers <paramref name="write"/> to run once when the host starts, with a logger of category
    /// <typeparamref name="TCategory"/>. For start-up facts that registration code decides before any logger exists.
    /// </summary>
    public static IServiceCollection AddStartupLog<TCategory>(this IServiceCollection services, Action<ILogger<TCategory>> write) =>
        services.AddSingleton<IHostedService>(provider => new StartupLogWriter<TCategory>(provider.GetRequiredService<ILogger<TCategory>>(), write));

    private sealed class StartupLogWriter<TCategory>(ILogger<TCategory> logger, Action<ILogger<TCategory>> write) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            write(logger);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
