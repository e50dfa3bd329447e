using System.Diagnostics.CodeAnalysis;
using Npgsql;
using NpgsqlTypes;
using ScaleApp.Api.Diagnostics;
using ScaleApp.Api.Hosting;

namespace ScaleApp.Api.Data;

/// <summary>
/// The PostgreSQL data sources: the primary takes every write, and the streaming replica, when
/// <c>ConnectionStrings:replica-db</c> is set, serves reads. Without a replica every read goes to the
/// primary, and a command for <see cref="DatabaseTarget.Replica"/> runs on the primary and counts as a
/// primary query. The connection strings may point at PgBouncer in transaction pooling mode, so commands
/// here use no session state (no session-level SET, LISTEN, session advisory locks or prepared statements).
/// </summary>
internal sealed class Databases
{
    public const string PrimaryName = "primary-db";
    public const string ReplicaName = OptionalResources.ReplicaDbName;

    private readonly NpgsqlDataSource _primary;
    private readonly NpgsqlDataSource? _replica;
    private readonly ReplicaStatus? _replicaStatus;
    private readonly ApiMetrics _metrics;

    /// <param name="replica">The replica's data source, or null when there is no replica.</param>
    /// <param name="replicaStatus">The replica's availability, null exactly when <paramref name="replica"/> is null.</param>
    public Databases(NpgsqlDataSource primary, NpgsqlDataSource? replica, ReplicaStatus? replicaStatus, ApiMetrics metrics)
    {
        if ((replica is null) != (replicaStatus is null))
        {
            throw new ArgumentException("Pass both the replica data source and its ReplicaStatus, or neither.", nameof(replicaStatus));
        }

        _primary = primary;
        _replica = replica;
        _replicaStatus = replicaStatus;
        _metrics = metrics;
    }

    public NpgsqlDataSource Primary => _primary;

    /// <summary>True when a read replica is configured.</summary>
    [MemberNotNullWhen(true, nameof(_replica), nameof(_replicaStatus))]
    public bool HasReplica => _replica is not null;

    /// <summary>Returns where a command for <paramref name="target"/> runs: the primary when there is no replica.</summary>
    public DatabaseTarget Resolve(DatabaseTarget target) => HasReplica ? target : DatabaseTarget.Primary;

    public NpgsqlDataSource Get(DatabaseTarget target) => target == DatabaseTarget.Replica && HasReplica ? _replica : _primary;

    /// <summary>Creates a command on <paramref name="target"/> and counts it for <paramref name="operation"/>.</summary>
    public NpgsqlCommand CreateCommand(DatabaseTarget target, string operation, string sql)
    {
        target = Resolve(target);
        _metrics.DatabaseQuery(operation, target);
        return Get(target).CreateCommand(sql);
    }

    /// <summary>Creates a command on an open primary connection inside a transaction and counts it.</summary>
    public NpgsqlCommand CreateCommand(NpgsqlConnection connection, string operation, string sql)
    {
        _metrics.DatabaseQuery(operation, DatabaseTarget.Primary);
        return new NpgsqlCommand(sql, connection);
    }

    /// <summary>
    /// Returns the primary's current WAL insert position. Read after a commit, it is at or past that
    /// commit's record, so a replica that has replayed up to it shows the committed rows.
    /// </summary>
    public async Task<NpgsqlLogSequenceNumber> GetPrimaryWalPositionAsync(string operation, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(DatabaseTarget.Primary, operation, "SELECT pg_current_wal_insert_lsn()");
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is NpgsqlLogSequenceNumber position ? position : default;
    }

    /// <summary>
    /// Runs <paramref name="read"/> on the replica, or on the primary while the replica is unavailable.
    /// A connection failure on the replica marks it unavailable and repeats the read on the primary, so
    /// callers see no error; <see cref="ReplicaMonitor"/> switches reads back once the replica responds.
    /// Without a replica the read runs on the primary and counts no fallback.
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<DatabaseTarget, Task<T>> read)
    {
        if (!HasReplica)
        {
            return await read(DatabaseTarget.Primary);
        }

        if (!_replicaStatus.IsAvailable)
        {
            _metrics.ReplicaFallback();
            return await read(DatabaseTarget.Primary);
        }

        try
        {
            return await read(DatabaseTarget.Replica);
        }
        catch (Exception exception) when (ReplicaStatus.IsConnectionFailure(exception))
        {
            _replicaStatus.MarkUnavailable(exception);
            _metrics.ReplicaFallback();
            return await read(DatabaseTarget.Primary);
        }
    }

    /// <summary>
    /// Chooses where a read that must include every write up to <paramref name="walPosition"/> runs:
    /// the replica once it has replayed that far, otherwise the primary. A zero position needs no check,
    /// and an unavailable replica means the primary. Without a replica it returns the primary at once,
    /// with no query and no fallback counted.
    /// </summary>
    public async Task<DatabaseTarget> ChooseReadTargetAsync(ulong walPosition, string operation, CancellationToken cancellationToken)
    {
        if (!HasReplica)
        {
            return DatabaseTarget.Primary;
        }

        if (!_replicaStatus.IsAvailable)
        {
            _metrics.ReplicaFallback();
            return DatabaseTarget.Primary;
        }

        if (walPosition == 0)
        {
            return DatabaseTarget.Replica;
        }

        // pg_last_wal_replay_lsn() is NULL on a server that is not a standby; such a server is current.
        await using var command = CreateCommand(
            DatabaseTarget.Replica,
            operation,
            "SELECT coalesce(pg_last_wal_replay_lsn() >= $1, true)");
        command.Parameters.Add(new NpgsqlParameter<NpgsqlLogSequenceNumber>
        {
            TypedValue = new NpgsqlLogSequenceNumber(walPosition),
            NpgsqlDbType = NpgsqlDbType.PgLsn,
        });

        try
        {
            var caughtUp = await command.ExecuteScalarAsync(cancellationToken) is true;
            return caughtUp ? DatabaseTarget.Replica : DatabaseTarget.Primary;
        }
        catch (Exception exception) when (ReplicaStatus.IsConnectionFailure(exception))
        {
            _replicaStatus.MarkUnavailable(exception);
            _metrics.ReplicaFallback();
            return DatabaseTarget.Primary;
        }
    }
}
