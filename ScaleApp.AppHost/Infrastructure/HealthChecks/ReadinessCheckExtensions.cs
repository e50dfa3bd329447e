namespace ScaleApp.AppHost.Infrastructure.HealthChecks;

internal static class ReadinessCheckExtensions
{
    /// <summary>
    /// Registers the health check that proves the resource serves, under the key "{name}-ready", and
    /// makes the resource's health (and so every WaitFor on it) depend on that check.
    /// </summary>
    public static IResourceBuilder<T> WithReadinessCheck<T>(this IResourceBuilder<T> builder, Func<IHealthCheck> createCheck)
        where T : IResource
    {
        var key = $"{builder.Resource.Name}-ready";

        builder.ApplicationBuilder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(key, _ => createCheck(), failureStatus: null, tags: null));

        return builder.WithHealthCheck(key);
    }
}
