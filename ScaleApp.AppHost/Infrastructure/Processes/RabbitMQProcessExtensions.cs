using System.Diagnostics;
using ScaleApp.AppHost.Infrastructure.HealthChecks;

namespace ScaleApp.AppHost.Infrastructure.Processes;

internal static class RabbitMQProcessExtensions
{
    private const string DistributionEndpointName = "dist";
    private const string EpmdEndpointName = "epmd";

    /// <summary>
    /// Adds a RabbitMQ node as a local process. Its node name, data, logs, Erlang cookie, AMQP port,
    /// distribution port and epmd port belong to this run, so it never meets a node of another run.
    /// </summary>
    public static IResourceBuilder<RabbitMQProcessResource> AddRabbitMQProcess(
        this IDistributedApplicationBuilder builder,
        string name,
        ProcessContext context,
        InfrastructureParameters parameters)
    {
        var resourceDirectory = context.RunFolder.ForResource(name);
        var resource = new RabbitMQProcessResource(name, "bash", resourceDirectory, parameters.RabbitMQPassword.Resource);

        var rabbitmq = builder.AddResource(resource)
            .WithArgs(context.Script("rabbitmq.sh"))
            .WithEnvironment("RABBITMQ_SERVER", context.Binaries.RabbitMQServer)
            .WithEnvironment("RESOURCE_DIR", resourceDirectory)
            .WithEnvironment("RABBITMQ_USER", RabbitMQProcessResource.UserName)
            .WithEnvironment("RABBITMQ_PASSWORD", parameters.RabbitMQPassword)
            .WithLoopbackEndpoint(RabbitMQProcessResource.EndpointName, "AMQP_PORT")
            .WithLoopbackEndpoint(DistributionEndpointName, "DIST_PORT")
            .WithLoopbackEndpoint(EpmdEndpointName, "EPMD_PORT")
            .WithReadinessCheck(() => new RabbitMQConnectionHealthCheck(resource));

        StopEpmdWhenTheAppHostStops(builder, rabbitmq);

        return rabbitmq;
    }

    // rabbitmq.sh starts an epmd daemon for this run's epmd port, which would outlive the broker.
    // Nothing else uses that port, so it is stopped when the AppHost stops.
    private static void StopEpmdWhenTheAppHostStops(IDistributedApplicationBuilder builder, IResourceBuilder<RabbitMQProcessResource> rabbitmq)
    {
        var epmdEndpoint = rabbitmq.Resource.GetEndpoint(EpmdEndpointName);

        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((@event, _) =>
        {
            var lifetime = @event.Services.GetRequiredService<IHostApplicationLifetime>();
            lifetime.ApplicationStopped.Register(() =>
            {
                if (!epmdEndpoint.IsAllocated)
                {
                    return;
                }

                try
                {
                    var start = new ProcessStartInfo("epmd", ["-port", epmdEndpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-kill"])
                    {
                        RedirectStandardOutput = true,
                        RedirectStandardError = true,
                    };
                    using var epmd = Process.Start(start);
                    epmd?.WaitForExit(TimeSpan.FromSeconds(5));
                }
                catch (System.ComponentModel.Win32Exception)
                {
                    // epmd is not on PATH, so there is no daemon of ours to stop.
                }
            });

            return Task.CompletedTask;
        });
    }
}
