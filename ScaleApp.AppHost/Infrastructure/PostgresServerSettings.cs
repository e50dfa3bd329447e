namespace ScaleApp.AppHost.Infrastructure;

/// <summary>
/// Server settings of the PostgreSQL primary and its hot standby, the same in both infrastructure
/// modes: streaming replication and memory sized to the host's RAM. An untuned primary keeps
/// PostgreSQL's default memory settings, as a server that shares its machine with the application does.
/// </summary>
internal static class PostgresServerSettings
{
    public static IReadOnlyList<string> Primary(long totalMemoryBytes, bool tuned = true) =>
    [
        "wal_level=replica",
        "max_wal_senders=10",
        "wal_keep_size=512MB",
        "max_connections=200",
        "password_encryption=scram-sha-256",
        .. tuned ? PostgresTuning.SettingsFor(totalMemoryBytes) : [],
    ];

    // A standby's max_connections must be at least the primary's, or it refuses to start.
    public static IReadOnlyList<string> HotStandby(long totalMemoryBytes) =>
    [
        "max_connections=200",
        "hot_standby_feedback=on",
        .. PostgresTuning.SettingsFor(totalMemoryBytes),
    ];

    /// <summary>Returns the settings as <c>postgres</c> command-line arguments (<c>-c name=value</c> each).</summary>
    public static string[] ToArguments(IEnumerable<string> settings) =>
        settings.SelectMany(setting => new[] { "-c", setting }).ToArray();
}
