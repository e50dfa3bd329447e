using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ScaleApp.Api.Caching;
using ScaleApp.Api.Diagnostics;
using StackExchange.Redis;

namespace ScaleApp.Tests.Unit.Api;

public sealed class CachingWithoutRedisTests
{
    [Fact]
    public void NoRedisRegistersNoRedisClient()
    {
        var builder = ApiRegistrations.CreateBuilder(ApiRegistrations.Without("redis"));

        builder.AddCaching();

        Assert.DoesNotContain(builder.Services, service => service.ServiceType == typeof(IConnectionMultiplexer));
        Assert.DoesNotContain(builder.Services, service => service.ServiceType == typeof(HybridCache));
        Assert.DoesNotContain(builder.Services, service => service.ServiceType == typeof(IDistributedCache));
    }

    [Fact]
    public void RedisRegistersRedisClient()
    {
        var builder = ApiRegistrations.CreateBuilder(ApiRegistrations.FullTopology());

        builder.AddCaching();

        Assert.Contains(builder.Services, service => service.ServiceType == typeof(IConnectionMultiplexer));
        Assert.Contains(builder.Services, service => service.ServiceType == typeof(HybridCache));
        using var services = builder.Services.BuildServiceProvider();
        Assert.True(services.GetRequiredService<CacheAside>().IsEnabled);
        Assert.Single(services.GetServices<IHostedService>().OfType<PostInvalidation>());
    }

    [Fact]
    public void NoRedisStartsNoInvalidationSubscriber()
    {
        using var services = BuildWithoutRedis();

        Assert.False(services.GetRequiredService<CacheAside>().IsEnabled);
        Assert.Empty(services.GetServices<IHostedService>().OfType<PostInvalidation>());
    }

    [Fact]
    public async Task CacheAsideWithoutRedisLoadsEveryTime()
    {
        using var services = BuildWithoutRedis();
        var cache = services.GetRequiredService<CacheAside>();
        var loads = 0;

        for (var i = 0; i < 2; i++)
        {
            var value = await cache.GetOrLoadAsync(
                "post",
                CacheEntries.Post(7),
                _ => Task.FromResult<string?>($"load {++loads}"),
                CacheEntries.Entity,
                CancellationToken.None);
            Assert.Equal($"load {i + 1}", value);
        }

        Assert.Equal(2, loads);
        var lookups = services.GetRequiredService<ApiMetrics>().Snapshot().CacheLookups;
        Assert.Equal(2, Count(lookups, ApiMetrics.MemoryLevel, "miss"));
        Assert.Equal(2, Count(lookups, ApiMetrics.RedisLevel, "miss"));
        Assert.Equal(0, Count(lookups, ApiMetrics.MemoryLevel, "hit"));
    }

    [Fact]
    public async Task StoresAndRemovalsWithoutRedisDoNothing()
    {
        using var services = BuildWithoutRedis();
        var cache = services.GetRequiredService<CacheAside>();

        await cache.TrySetAsync(CacheEntries.Post(7), "stored", CacheEntries.Entity, CancellationToken.None);
        await cache.TryRemoveAsync(CacheEntries.Post(7), CancellationToken.None);
        var value = await cache.GetOrLoadAsync(
            "post", CacheEntries.Post(7), _ => Task.FromResult<string?>("loaded"), CacheEntries.Entity, CancellationToken.None);

        Assert.Equal("loaded", value);
    }

    [Fact]
    public async Task FeedVersionWithoutRedisIsLocal()
    {
        using var services = BuildWithoutRedis();
        var version = services.GetRequiredService<FeedVersion>();

        await version.AdvanceAsync(0x100);
        Assert.Equal(0x100UL, await version.GetAsync());

        version.Observe(0x80);
        Assert.Equal(0x100UL, await version.RefreshNowAsync());
    }

    [Fact]
    public async Task InvalidationWithoutRedisAdvancesVersion()
    {
        using var services = BuildWithoutRedis();
        var invalidation = services.GetRequiredService<PostInvalidation>();

        await invalidation.PublishAsync(postId: 7, walPosition: 0x200);

        Assert.Equal(0x200UL, await services.GetRequiredService<FeedVersion>().GetAsync());
    }

    private static ServiceProvider BuildWithoutRedis()
    {
        var builder = ApiRegistrations.CreateBuilder(ApiRegistrations.Without("redis"));
        builder.AddCaching();
        return builder.Services.BuildServiceProvider();
    }

    private static long Count(IEnumerable<CacheCount> lookups, string level, string result) =>
        lookups.Where(item => item.Entry == "post" && item.Level == level && item.Result == result).Sum(item => item.Count);
}
