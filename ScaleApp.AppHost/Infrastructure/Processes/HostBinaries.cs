namespace ScaleApp.AppHost.Infrastructure.Processes;

/// <summary>
/// Locates the server binaries that local-process mode runs and stops the AppHost at once, naming
/// the missing program and the package that installs it, when one is absent.
/// </summary>
internal sealed class HostBinaries
{
    private const string InstallCommand =
        "sudo apt-get install -y postgresql pgbouncer redis-server rabbitmq-server python3-aiosmtpd";

    public required string PostgresBinDirectory { get; init; }

    public required string PgBouncer { get; init; }

    public required string RedisServer { get; init; }

    public required string RabbitMQServer { get; init; }

    public required string Python { get; init; }

    /// <summary>True when the AppHost runs as root, so PostgreSQL and PgBouncer must drop to the 'postgres' user.</summary>
    public bool RunsAsRoot { get; } = Environment.UserName == "root";

    public static HostBinaries Locate()
    {
        var missing = new List<string>();

        var postgresBin = FindPostgresBinDirectory();
        if (postgresBin is null)
        {
            missing.Add("PostgreSQL server (initdb, postgres, pg_basebackup in /usr/lib/postgresql/<version>/bin) from package 'postgresql'");
        }

        var pgbouncer = FindFile(["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"], "pgbouncer");
        if (pgbouncer is null)
        {
            missing.Add("pgbouncer from package 'pgbouncer'");
        }

        var redis = FindFile(["/usr/bin/redis-server"], "redis-server");
        if (redis is null)
        {
            missing.Add("redis-server from package 'redis-server'");
        }

        var rabbitmq = FindFile(["/usr/lib/rabbitmq/bin/rabbitmq-server", "/usr/sbin/rabbitmq-server"], "rabbitmq-server");
        if (rabbitmq is null)
        {
            missing.Add("rabbitmq-server from package 'rabbitmq-server'");
        }

        // The system Python is required because python3-aiosmtpd installs for it, not for a
        // pyenv or virtualenv interpreter that may come first on PATH.
        const string python = "/usr/bin/python3";
        if (!File.Exists(python) || !Directory.Exists("/usr/lib/python3/dist-packages/aiosmtpd"))
        {
            missing.Add("aiosmtpd for /usr/bin/python3 from package 'python3-aiosmtpd'");
        }

        if (missing.Count > 0 || postgresBin is null || pgbouncer is null || redis is null || rabbitmq is null)
        {
            throw new DistributedApplicationException(
                "Local-process mode needs programs that are not installed: " + string.Join("; ", missing) +
                $". Install them with: {InstallCommand} (on Debian or Ubuntu), or run the topology with containers.");
        }

        if (Environment.UserName == "root" && FindFile(["/usr/bin/setpriv"], "setpriv") is null)
        {
            throw new DistributedApplicationException(
                "The AppHost runs as root and PostgreSQL does not run as root, but setpriv (package 'util-linux') " +
                "is missing to start it as the 'postgres' user. Install it with: apt-get install -y util-linux");
        }

        return new HostBinaries
        {
            PostgresBinDirectory = postgresBin,
            PgBouncer = pgbouncer,
            RedisServer = redis,
            RabbitMQServer = rabbitmq,
            Python = python,
        };
    }

    private static string? FindPostgresBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        // Several major versions can be installed side by side; the newest one wins.
        return Directory.EnumerateDirectories(root)
            .Select(folder => (Folder: folder, Version: int.TryParse(Path.GetFileName(folder), out var v) ? v : -1))
            .Where(candidate => candidate.Version > 0 && File.Exists(Path.Combine(candidate.Folder, "bin", "initdb")))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => Path.Combine(candidate.Folder, "bin"))
            .FirstOrDefault();
    }

    private static string? FindFile(string[] knownPaths, string programName)
    {
        var known = knownPaths.FirstOrDefault(File.Exists);
        if (known is not null)
        {
            return known;
        }

        var pathVariable = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return pathVariable.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, programName))
            .FirstOrDefault(File.Exists);
    }
}
