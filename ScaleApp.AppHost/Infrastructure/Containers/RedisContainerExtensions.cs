namespace ScaleApp.AppHost.Infrastructure.Containers;

internal static class RedisContainerExtensions
{
    /// <summary>
    /// Adds Redis as a container through Aspire's Redis integration, with the shared password. It
    /// gets no data volume even when data is kept, because it only stores cache entries.
    /// </summary>
    public static IResourceBuilder<RedisResource> AddRedisContainer(
        this IDistributedApplicationBuilder builder,
        string name,
        InfrastructureParameters parameters)
    {
        return builder.AddRedis(name, password: parameters.RedisPassword)
            .WithPinnedImage(ContainerImages.Redis);
    }
}
