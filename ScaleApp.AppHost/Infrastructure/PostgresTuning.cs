namespace ScaleApp.AppHost.Infrastructure;

/// <summary>
/// Memory settings for PostgreSQL scaled to the host's RAM. A dedicated database server usually
/// gives shared_buffers a quarter of RAM, but the whole topology shares one host, so PostgreSQL gets
/// a sixteenth for shared_buffers and a quarter as the planner's estimate of the file cache.
/// </summary>
internal static class PostgresTuning
{
    private const long Megabyte = 1024 * 1024;

    public static IReadOnlyList<string> SettingsFor(long totalMemoryBytes)
    {
        var sharedBuffers = Math.Clamp(totalMemoryBytes / 16, 128 * Megabyte, 4096 * Megabyte);
        var effectiveCacheSize = Math.Max(totalMemoryBytes / 4, 512 * Megabyte);
        var workMemory = Math.Clamp(totalMemoryBytes / 1024, 4 * Megabyte, 64 * Megabyte);
        var maintenanceWorkMemory = Math.Clamp(totalMemoryBytes / 64, 64 * Megabyte, 1024 * Megabyte);

        return
        [
            $"shared_buffers={sharedBuffers / Megabyte}MB",
            $"effective_cache_size={effectiveCacheSize / Megabyte}MB",
            $"work_mem={workMemory / Megabyte}MB",
            $"maintenance_work_mem={maintenanceWorkMemory / Megabyte}MB",
        ];
    }

    /// <summary>Returns the memory available to this process's host or container (cgroup limits included).</summary>
    public static long HostMemoryBytes() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
}
