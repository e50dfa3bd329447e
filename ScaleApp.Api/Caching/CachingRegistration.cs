using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ScaleApp.Api.Diagnostics;
using ScaleApp.Api.Hosting;
using StackExchange.Redis;

namespace ScaleApp.Api.Caching;

internal static class CachingRegistration
{
    /// <summary>Prefix of every Redis key this service writes.</summary>
    public const string RedisKeyPrefix = "scaleapp:";

    private const string RedisConnectionName = OptionalResources.RedisName;

    // Redis on loopback responds in well under a millisecond, so 250 ms means it is down or stuck. After
    // one timeout FailSoftDistributedCache skips Redis for a while, so an outage costs few such waits.
    private const int RedisTimeoutMilliseconds = 250;

    /// <summary>
    /// Registers the cache-aside services. With <c>ConnectionStrings:redis</c> set, they use HybridCache
    /// with Redis as its distributed level. Without it nothing is cached and no Redis client exists.
    /// Logs at start whether reads are cached.
    /// </summary>
    public static IHostApplicationBuilder AddCaching(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<ApiMetrics>();

        if (!OptionalResources.IsConfigured(builder.Configuration, RedisConnectionName))
        {
            AddWithoutCache(builder.Services);
            return builder;
        }

        AddRedisHybridCache(builder);
        builder.Services.AddSingleton<CacheAside>();
        builder.Services.AddSingleton<FeedVersion>();
        builder.Services.AddSingleton<PostInvalidation>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PostInvalidation>());

        var enabled = builder.Configuration.GetValue(CacheAside.EnabledSetting, true);
        builder.Services.AddStartupLog<CacheAside>(logger =>
        {
            if (enabled)
            {
                logger.LogInformation("Caching reads in process memory with Redis ConnectionStrings:{RedisConnection} as the shared level", RedisConnectionName);
            }
            else
            {
                logger.LogInformation("Caching is off because {CachingSetting} is false, so every read goes to the database", CacheAside.EnabledSetting);
            }
        });
        return builder;
    }

    // Without Redis no channel carries invalidations between API processes, so even an in-memory level
    // could serve a row that another process has changed. Nothing is cached, and the feed version and
    // post invalidation work within this process only.
    private static void AddWithoutCache(IServiceCollection services)
    {
        services.AddSingleton(provider => new CacheAside(
            cache: null,
            provider.GetRequiredService<ApiMetrics>(),
            provider.GetRequiredService<IConfiguration>(),
            provider.GetRequiredService<ILogger<CacheAside>>()));
        services.AddSingleton(provider => new FeedVersion(
            redis: null,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<FeedVersion>>()));
        services.AddSingleton(provider => new PostInvalidation(
            redis: null,
            provider.GetRequiredService<CacheAside>(),
            provider.GetRequiredService<FeedVersion>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<PostInvalidation>>()));
        services.AddStartupLog<CacheAside>(logger => logger.LogInformation(
            "Caching is off because ConnectionStrings:{RedisConnection} is not set, so every read goes to the database",
            RedisConnectionName));
    }

    /// <summary>
    /// Registers HybridCache with Redis as its distributed level, sharing the connection that the
    /// Aspire Redis integration creates. Redis is optional at run time: the connection is opened on
    /// first use, a disconnected client fails commands at once, and <see cref="FailSoftDistributedCache"/>
    /// turns failed reads into misses and failed writes into no-ops, so requests fall through to PostgreSQL.
    /// </summary>
    private static void AddRedisHybridCache(IHostApplicationBuilder builder)
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
    }
}
