using Npgsql;
using NpgsqlTypes;
using ScaleApp.Api.Diagnostics;

namespace ScaleApp.Api.Data;

/// <summary>
/// Samples the replica once per <see cref="Interval"/>: its replay lag behind the primary in WAL bytes
/// and in seconds (exported as metrics), and whether it responds at all, which switches reads back to
/// the replica after an outage. Sampling in the background keeps these queries off the request path.
/// </summary>
internal sealed class ReplicaMonitor(
    Databases databases,
    ReplicaStatus status,
    ApiMetrics metrics,
    TimeProvider timeProvider,
    ILogger<ReplicaMonitor> logger) : BackgroundService
{
    private readonly LogThrottle _warnings = new(timeProvider, TimeSpan.FromSeconds(30));

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    // A probe that takes longer than this counts as a failure, so a stuck replica is not trusted again.
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Replica side of the lag sample: replayed WAL position and age of the last replayed transaction.</summary>
    public const string ReplicaLagSql =
        "SELECT pg_last_wal_replay_lsn(), extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8";

    public const string PrimaryPositionSql = "SELECT pg_current_wal_lsn()";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            await SampleAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task SampleAsync(CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(ProbeTimeout);

        ulong? replayed;
        double replayAgeSeconds;
        try
        {
            await using var command = databases.CreateCommand(DatabaseTarget.Replica, "replica_lag", ReplicaLagSql);
            await using var reader = await command.ExecuteReaderAsync(timeout.Token);
            await reader.ReadAsync(timeout.Token);
            replayed = reader.IsDBNull(0) ? null : (ulong)reader.GetFieldValue<NpgsqlLogSequenceNumber>(0);
            replayAgeSeconds = reader.IsDBNull(1) ? 0 : reader.GetDouble(1);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (exception is OperationCanceledException || ReplicaStatus.IsConnectionFailure(exception))
        {
            status.MarkUnavailable(exception);
            return;
        }
        catch (NpgsqlException exception)
        {
            LogThrottled(exception, Databases.ReplicaName);
            return;
        }

        status.MarkAvailable();

        try
        {
            var primaryPosition = (ulong)await databases.GetPrimaryWalPositionAsync("replica_lag", timeout.Token);
            var lagBytes = replayed is { } position && primaryPosition > position ? (long)(primaryPosition - position) : 0;
            metrics.ReplicaLagBytes = lagBytes;

            // With no WAL left to replay the replica is current, however old its last replayed transaction is.
            metrics.ReplicaLagSeconds = lagBytes > 0 ? Math.Max(0, replayAgeSeconds) : 0;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            LogThrottled(exception, Databases.PrimaryName);
        }
    }

    private void LogThrottled(Exception exception, string database)
    {
        if (_warnings.TryAcquire(out var suppressed))
        {
            logger.LogWarning(
                exception,
                "Sampling the replica lag on {Database} failed; the lag metrics keep their last values ({Suppressed} similar failures not logged)",
                database,
                suppressed);
        }
    }
}
