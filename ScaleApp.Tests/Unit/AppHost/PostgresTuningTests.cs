using ScaleApp.AppHost.Infrastructure;

namespace ScaleApp.Tests.Unit.AppHost;

public sealed class PostgresTuningTests
{
    private const long Gigabyte = 1024L * 1024 * 1024;

    [Fact]
    public void ScalesWithHostMemory()
    {
        var settings = PostgresTuning.SettingsFor(24 * Gigabyte);

        Assert.Contains("shared_buffers=1536MB", settings);
        Assert.Contains("effective_cache_size=6144MB", settings);
        Assert.Contains("work_mem=24MB", settings);
        Assert.Contains("maintenance_work_mem=384MB", settings);
    }

    [Fact]
    public void SmallHostGetsFloors()
    {
        var settings = PostgresTuning.SettingsFor(1 * Gigabyte);

        Assert.Contains("shared_buffers=128MB", settings);
        Assert.Contains("effective_cache_size=512MB", settings);
        Assert.Contains("work_mem=4MB", settings);
        Assert.Contains("maintenance_work_mem=64MB", settings);
    }

    [Fact]
    public void LargeHostGetsCeilings()
    {
        var settings = PostgresTuning.SettingsFor(512 * Gigabyte);

        Assert.Contains("shared_buffers=4096MB", settings);
        Assert.Contains("work_mem=64MB", settings);
        Assert.Contains("maintenance_work_mem=1024MB", settings);
    }
}
