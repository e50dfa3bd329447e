using System.Globalization;

namespace ScaleApp.AppHost.Stages;

/// <summary>Group of processes that a stage places on one emulated machine.</summary>
internal enum CpuTier
{
    /// <summary>PostgreSQL servers and PgBouncer.</summary>
    Database,

    /// <summary>API replicas, gateway, worker, Redis, RabbitMQ and the SMTP sink.</summary>
    Application,
}

/// <summary>
/// CPU sets that emulate separate machines on one host. Stage 0 puts every server on one CPU, stage 1
/// on every CPU, and from stage 2 the database tier gets the upper half of the CPUs and the
/// application tier the lower half.
/// </summary>
internal static class CpuSets
{
    /// <summary>Resources of the database tier; every other server is in the application tier.</summary>
    public static readonly IReadOnlySet<string> DatabaseResources = new HashSet<string>(StringComparer.Ordinal)
    {
        "postgres", "postgres-replica", "pgbouncer",
    };

    /// <summary>
    /// Returns the CPUs of <paramref name="tier"/> at <paramref name="stage"/>, chosen from
    /// <paramref name="available"/> (the CPUs this process may run on, in ascending order).
    /// </summary>
    public static IReadOnlyList<int> For(ScalingStage stage, CpuTier tier, IReadOnlyList<int> available)
    {
        if (available.Count < 2)
        {
            return available;
        }

        var half = available.Count / 2;
        return stage switch
        {
            ScalingStage.OneServer => [available[0]],
            ScalingStage.BiggerServer => available,
            _ when tier == CpuTier.Application => available.Take(half).ToArray(),
            _ => available.Skip(half).ToArray(),
        };
    }

    public static CpuTier TierOf(string resourceName) =>
        DatabaseResources.Contains(resourceName) ? CpuTier.Database : CpuTier.Application;

    /// <summary>Formats CPUs as a list for <c>taskset -c</c> and <c>--cpuset-cpus</c>, such as <c>0,1</c>.</summary>
    public static string Format(IEnumerable<int> cpus) => string.Join(',', cpus.Select(cpu => cpu.ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// Parses a Linux CPU list such as <c>0-3,6</c> (the format of <c>Cpus_allowed_list</c> in
    /// /proc/self/status) into ascending CPU numbers.
    /// </summary>
    public static IReadOnlyList<int> ParseList(string list)
    {
        var cpus = new SortedSet<int>();
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-');
            if (bounds.Length is < 1 or > 2
                || !int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                || !int.TryParse(bounds[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                || last < first)
            {
                throw new FormatException($"'{list}' is not a CPU list: expected numbers and ranges such as 0-3,6.");
            }

            for (var cpu = first; cpu <= last; cpu++)
            {
                cpus.Add(cpu);
            }
        }

        return cpus.ToArray();
    }

    /// <summary>Returns the CPUs the AppHost may run on, from /proc/self/status, or 0..N-1 where that file is missing.</summary>
    public static IReadOnlyList<int> Available()
    {
        const string statusFile = "/proc/self/status";
        if (File.Exists(statusFile))
        {
            var line = File.ReadLines(statusFile).FirstOrDefault(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
            if (line is not null)
            {
                return ParseList(line["Cpus_allowed_list:".Length..]);
            }
        }

        return Enumerable.Range(0, Environment.ProcessorCount).ToArray();
    }
}
