using System.Net.Sockets;
using Npgsql;
using ScaleApp.Api.Diagnostics;

namespace ScaleApp.Api.Data;

/// <summary>
/// Whether reads may go to the replica. A read that cannot reach the replica marks it unavailable,
/// and from then on reads go to the primary until <see cref="ReplicaMonitor"/> reaches the replica
/// again. Both changes are logged once and exported as <c>scaleapp.db.replica_available</c>.
/// Exists only when a replica is configured, and creating it adds the replica instruments to <see cref="ApiMetrics"/>.
/// </summary>
internal sealed class ReplicaStatus
{
    private readonly ApiMetrics _metrics;
    private readonly ILogger<ReplicaStatus> _logger;
    private int _unavailable;

    public ReplicaStatus(ApiMetrics metrics, ILogger<ReplicaStatus> logger)
    {
        _metrics = metrics;
        _logger = logger;
        metrics.AddReplicaInstruments();
    }

    public bool IsAvailable => Volatile.Read(ref _unavailable) == 0;

    public void MarkUnavailable(Exception exception)
    {
        if (Interlocked.Exchange(ref _unavailable, 1) == 0)
        {
            _metrics.ReplicaAvailable = false;
            _logger.LogWarning(
                exception,
                "The read replica {Database} is unavailable; sending reads to the primary until it responds again",
                Databases.ReplicaName);
        }
    }

    public void MarkAvailable()
    {
        if (Interlocked.Exchange(ref _unavailable, 0) == 1)
        {
            _metrics.ReplicaAvailable = true;
            _logger.LogInformation("The read replica {Database} responds again; sending reads to it", Databases.ReplicaName);
        }
    }

    /// <summary>
    /// Returns true for errors that mean the replica cannot serve reads at all: network and timeout
    /// errors, and PgBouncer's or PostgreSQL's connection, shutdown and recovery errors. A SQL error in
    /// the statement itself is false, because the primary would reject the statement too.
    /// </summary>
    public static bool IsConnectionFailure(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState is PostgresErrorCodes.AdminShutdown
                or PostgresErrorCodes.CrashShutdown
                or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.TooManyConnections,
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } => true,
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException => true,
        _ => false,
    };
}
