namespace ScaleApp.AppHost.Services;

internal static class ServiceEnvironment
{
    /// <summary>
    /// Runs every project resource in the AppHost's environment (Development under F5 and
    /// <c>scripts/up.sh</c>), unless the resource sets <c>ASPNETCORE_ENVIRONMENT</c> itself. The
    /// services start without launch profiles, so nothing else would set it, and they would run as
    /// Production without the OpenAPI document and the Scalar UI.
    /// </summary>
    public static void RunServicesInAppHostEnvironment(this IDistributedApplicationBuilder builder)
    {
        var environmentName = builder.Environment.EnvironmentName;

        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            foreach (var project in @event.Model.Resources.OfType<ProjectResource>())
            {
                project.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
                    context.EnvironmentVariables.TryAdd("ASPNETCORE_ENVIRONMENT", environmentName)));
            }

            return Task.CompletedTask;
        });
    }
}
