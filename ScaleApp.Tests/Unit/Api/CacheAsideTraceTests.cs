using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ScaleApp.Api.Caching;
using ScaleApp.Api.Diagnostics;

namespace ScaleApp.Tests.Unit.Api;

public sealed class CacheAsideTraceTests
{
    [Fact]
    public async Task MissLoadRunsUnderCallerSpan()
    {
        await using var services = new ServiceCollection().AddMetrics().AddHybridCache().Services.BuildServiceProvider();
        var cache = new CacheAside(
            services.GetRequiredService<HybridCache>(),
            new ApiMetrics(services.GetRequiredService<IMeterFactory>()),
            new ConfigurationBuilder().Build(),
            NullLogger<CacheAside>.Instance);
        using var request = new Activity("request").Start();
        Activity? seenByLoad = null;

        // A token that can be canceled makes HybridCache run the miss as a thread pool work item without this context.
        using var cancellation = new CancellationTokenSource();
        var value = await cache.GetOrLoadAsync(
            "post",
            $"post:{Guid.NewGuid():N}",
            _ =>
            {
                seenByLoad = Activity.Current;
                return Task.FromResult<string?>("loaded");
            },
            new HybridCacheEntryOptions(),
            cancellation.Token);

        Assert.Equal("loaded", value);
        Assert.Same(request, seenByLoad);
    }
}
