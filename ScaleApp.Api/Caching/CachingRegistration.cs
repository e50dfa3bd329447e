using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ScaleApp.Api.Diagnostics;
using StackExchange.Redis;

namespace ScaleApp.Api.Caching;

internal static class CachingRegistration
{
    /// <summary>Prefix of every Redis key this service writes.</summary>
    public const string RedisKeyPrefix = "scaleapp:";

    private const string RedisConnectionName = "redis";

    // Redis on loopback responds in well under a millisecond, so 250 ms means it is down or stuck. After
    // one timeout FailSoftDistributedCache skips Redis for a while, so an outage costs few such waits.
    private const int RedisTimeoutMilliseconds = 250;

    /// <summary>
    /// Registers HybridCache with Redis as its distributed level, sharing the connection that the
    /// Aspire Redis integration creates. Redis is optional at run time: the connection is opened on
    /// first use, a disconnected client fails commands at once, and <see cref="FailSoftDistributedCache"/>
    /// turns failed reads into misses and failed writes into no-ops, so requests fall through to PostgreSQL.
    /// </summary>
    public static IHostApplicationBuilder AddCaching(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient(
            RedisConnectionName,
            settings =>
            {
                // A Redis outage must not mark the API unhealthy, because requests still succeed without it.
                settings.DisableHealthChecks = true;
                settings.DisableAutoActivation = true;
            },
            options =>
            {
                options.AbortOnConnectFail = false;
                options.ConnectTimeout = RedisTimeoutMilliseconds;

                // One attempt per connect, so with Redis down the request that opens the connection waits
                // one timeout instead of three. The client keeps reconnecting in the background.
                options.ConnectRetry = 1;
                options.SyncTimeout = RedisTimeoutMilliseconds;
                options.AsyncTimeout = RedisTimeoutMilliseconds;
                options.BacklogPolicy = BacklogPolicy.FailFast;
            });

        builder.Services.AddOptions<RedisCacheOptions>()
            .Configure<IServiceProvider>((options, services) =>
            {
                options.InstanceName = RedisKeyPrefix;
                options.ConnectionMultiplexerFactory = () => Task.FromResult(services.GetRequiredService<IConnectionMultiplexer>());
            });
        builder.Services.AddSingleton<IDistributedCache>(services => new FailSoftDistributedCache(
            new RedisCache(services.GetRequiredService<IOptions<RedisCacheOptions>>()),
            services.GetRequiredService<ApiMetrics>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<FailSoftDistributedCache>>()));

        // HybridCache rather than FusionCache because it is the Microsoft.Extensions abstraction with no
        // further dependency, and it covers what the API needs: two levels and stampede protection.
        // HybridCache rather than a plain IDistributedCache because of its stampede protection. Concurrent
        // misses for one key in one process share a single factory call. An expiring popular feed page
        // therefore costs one database query per process instead of one per waiting request.
        builder.Services.AddHybridCache(options =>
        {
            options.DefaultEntryOptions = CacheEntries.Feed;

            // A feed chunk contains up to 101 posts of up to 10,000 characters each, and the 1 MiB
            // default would silently keep large chunks out of Redis.
            options.MaximumPayloadBytes = 8 * 1024 * 1024;
        });

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<ApiMetrics>();
        builder.Services.AddSingleton<CacheAside>();
        builder.Services.AddSingleton<FeedVersion>();
        builder.Services.AddSingleton<PostInvalidation>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PostInvalidation>());
        return builder;
    }
}
