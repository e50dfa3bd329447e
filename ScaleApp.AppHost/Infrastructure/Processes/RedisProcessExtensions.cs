using ScaleApp.AppHost.Infrastructure.HealthChecks;

namespace ScaleApp.AppHost.Infrastructure.Processes;

internal static class RedisProcessExtensions
{
    /// <summary>Adds redis-server as a local process: loopback only, password required, nothing persisted.</summary>
    public static IResourceBuilder<RedisProcessResource> AddRedisProcess(
        this IDistributedApplicationBuilder builder,
        string name,
        ProcessContext context,
        InfrastructureParameters parameters)
    {
        var resourceDirectory = context.RunFolder.ForResource(name);
        var resource = new RedisProcessResource(name, "bash", resourceDirectory, parameters.RedisPassword.Resource);

        return builder.AddResource(resource)
            .WithArgs(context.Script("redis.sh"))
            .WithEnvironment("REDIS_SERVER", context.Binaries.RedisServer)
            .WithEnvironment("RESOURCE_DIR", resourceDirectory)
            .WithEnvironment("REDIS_PASSWORD", parameters.RedisPassword)
            .WithLoopbackEndpoint(RedisProcessResource.EndpointName, "REDIS_PORT")
            .WithReadinessCheck(() => new RedisPingHealthCheck(resource));
    }
}
