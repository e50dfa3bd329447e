namespace ScaleApp.AppHost.Infrastructure.Containers;

internal static class RabbitMQContainerExtensions
{
    /// <summary>User the services log in as, the same as in local-process mode (not 'guest').</summary>
    public const string UserName = "scaleapp";

    /// <summary>
    /// Adds RabbitMQ as a container through Aspire's RabbitMQ integration, with its own user and the
    /// shared password, and the management plugin whose web UI the dashboard links to.
    /// </summary>
    public static IResourceBuilder<RabbitMQServerResource> AddRabbitMQContainer(
        this IDistributedApplicationBuilder builder,
        string name,
        ContainerContext context,
        InfrastructureParameters parameters)
    {
        var userName = builder.AddParameter($"{name}-user", UserName);

        var rabbitmq = builder.AddRabbitMQ(name, userName, parameters.RabbitMQPassword)
            .WithPinnedImage(ContainerImages.RabbitMQ)
            .WithManagementPlugin();

        if (context.UseDataVolumes)
        {
            rabbitmq.WithDataVolume();
        }

        return rabbitmq;
    }
}
