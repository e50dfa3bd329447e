using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using NpgsqlTypes;
using ScaleApp.Api.Diagnostics;

namespace ScaleApp.Api.Data;

/// <summary>
/// The two PostgreSQL data sources: the primary takes every write, the streaming replica serves reads.
/// Both connection strings point at PgBouncer in transaction pooling mode, so commands here use no
/// session state (no session-level SET, LISTEN, session advisory locks or prepared statements).
/// </summary>
internal sealed class Databases(
    [FromKeyedServices(Databases.PrimaryName)] NpgsqlDataSource primary,
    [FromKeyedServices(Databases.ReplicaName)] NpgsqlDataSource replica,
    ReplicaStatus replicaStatus,
    ApiMetrics metrics)
{
    public const string PrimaryName = "primary-db";
    public const string ReplicaName = "replica-db";

    public NpgsqlDataSource Primary => primary;

    public NpgsqlDataSource Replica => replica;

    public NpgsqlDataSource Get(DatabaseTarget target) => target == DatabaseTarget.Primary ? primary : replica;

    /// <summary>Creates a command on <paramref name="target"/> and counts it for <paramref name="operation"/>.</summary>
    public NpgsqlCommand CreateCommand(DatabaseTarget target, string operation, string sql)
    {
        metrics.DatabaseQuery(operation, target);
        return Get(target).CreateCommand(sql);
    }

    /// <summary>Creates a command on an open primary connection inside a transaction and counts it.</summary>
    public NpgsqlCommand CreateCommand(NpgsqlConnection connection, string operation, string sql)
    {
        metrics.DatabaseQuery(operation, DatabaseTarget.Primary);
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
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<DatabaseTarget, Task<T>> read)
    {
        if (!replicaStatus.IsAvailable)
        {
            metrics.ReplicaFallback();
            return await read(DatabaseTarget.Primary);
        }

        try
        {
            return await read(DatabaseTarget.Replica);
        }
        catch (Exception exception) when (ReplicaStatus.IsConnectionFailure(exception))
        {
            replicaStatus.MarkUnavailable(exception);
            metrics.ReplicaFallback();
            return await read(DatabaseTarget.Primary);
        }
    }

    /// <summary>
    /// Chooses where a read that must include every write up to <paramref name="walPosition"/> runs:
    /// the replica once it has replayed that far, otherwise the primary. A zero position needs no check,
    /// and an unavailable replica means the primary.
    /// </summary>
    public async Task<DatabaseTarget> ChooseReadTargetAsync(ulong walPosition, string operation, CancellationToken cancellationToken)
    {
        if (!replicaStatus.IsAvailable)
        {
            metrics.ReplicaFallback();
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
            replicaStatus.MarkUnavailable(exception);
            metrics.ReplicaFallback();
            return DatabaseTarget.Primary;
        }
    }
}

internal static class DatabaseRegistration
{
    /// <summary>
    /// Registers the primary and replica data sources through the Aspire Npgsql integration, and the
    /// background sampling of the replica's state and lag.
    /// </summary>
    public static IHostApplicationBuilder AddDatabases(this IHostApplicationBuilder builder)
    {
        builder.AddKeyedNpgsqlDataSource(Databases.PrimaryName);
        // Reads fall back to the primary while the replica is down, so the replica is not part of /health:
        // a replica outage must not take every API replica out of the gateway's rotation.
        builder.AddKeyedNpgsqlDataSource(Databases.ReplicaName, settings => settings.DisableHealthChecks = true);
        builder.Services.TryAddSingleton<ApiMetrics>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ReplicaStatus>();
        builder.Services.AddSingleton<Databases>();
        builder.Services.AddHostedService<ReplicaMonitor>();
        return builder;
    }
}
