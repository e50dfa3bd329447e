using System.Diagnostics;
using Npgsql;

namespace ScaleApp.Migrations;

/// <summary>
/// Applies embedded SQL migrations in version order, each in its own transaction, and records
/// them in <c>schema_migrations</c> so a rerun skips what is already applied.
/// </summary>
/// <remarks>
/// The connection goes through PgBouncer in transaction pooling mode, so everything that must
/// hold across statements (the lock, the version check, the script, the version row) happens
/// inside one transaction, and the lock is the transaction-scoped <c>pg_advisory_xact_lock</c>.
/// </remarks>
internal sealed partial class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> logger)
{
    public const string ActivitySourceName = "ScaleApp.Migrations";

    /// <summary>Advisory lock key shared by every runner: "SCALEAPP" in ASCII as a 64-bit integer.</summary>
    internal const long AdvisoryLockKey = 0x5343414C45415050;

    /// <summary>PgBouncer accepts connections before PostgreSQL is ready, so the first connection is retried this long.</summary>
    internal static readonly TimeSpan DatabaseWaitTimeout = TimeSpan.FromSeconds(30);

    private static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    public async Task RunAsync(IReadOnlyList<MigrationScript> scripts, CancellationToken cancellationToken)
    {
        await WaitForDatabaseAsync(cancellationToken);

        foreach (var script in scripts)
        {
            await ApplyAsync(script, cancellationToken);
        }
    }

    private async Task WaitForDatabaseAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(500);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException ex) when (stopwatch.Elapsed + delay < DatabaseWaitTimeout)
            {
                LogDatabaseNotReady(logger, attempt, delay.TotalSeconds, ex.Message);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
            catch (NpgsqlException ex)
            {
                throw new InvalidOperationException(
                    $"The database 'primary-db' did not accept a connection within {DatabaseWaitTimeout.TotalSeconds:0} s " +
                    $"({attempt} attempts). Check that PostgreSQL and PgBouncer are running and that " +
                    "ConnectionStrings:primary-db is correct.",
                    ex);
            }
        }
    }

    private async Task ApplyAsync(MigrationScript script, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity($"migrate {script.FileName}");
        activity?.SetTag("db.system.name", "postgresql");
        activity?.SetTag("scaleapp.migration.version", script.Version);
        activity?.SetTag("scaleapp.migration.file", script.FileName);

        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

            // Blocks until any other runner's migration transaction ends, so two runners never apply one file twice.
            await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock($1)", AdvisoryLockKey, cancellationToken);

            await ExecuteAsync(
                connection,
                "CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                parameter: null,
                cancellationToken);

            if (await IsAppliedAsync(connection, script.Version, cancellationToken))
            {
                await transaction.CommitAsync(cancellationToken);
                activity?.SetTag("scaleapp.migration.outcome", "skipped");
                LogSkipped(logger, script.FileName, script.Version);
                return;
            }

            var stopwatch = Stopwatch.StartNew();
            await ExecuteAsync(connection, script.Sql, parameter: null, cancellationToken);
            await ExecuteAsync(connection, "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())", script.Version, cancellationToken);
            await transaction.CommitAsync(cancellationToken);

            activity?.SetTag("scaleapp.migration.outcome", "applied");
            LogApplied(logger, script.FileName, script.Version, stopwatch.ElapsedMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            activity?.AddException(ex);
            throw new MigrationException(script.FileName, ex);
        }
    }

    private static async Task<bool> IsAppliedAsync(NpgsqlConnection connection, string version, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = version });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, object? parameter, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The database is not reachable yet (attempt {Attempt}); retrying in {DelaySeconds} s: {Error}")]
    private static partial void LogDatabaseNotReady(ILogger logger, int attempt, double delaySeconds, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped migration {MigrationFile}: version {Version} is already applied")]
    private static partial void LogSkipped(ILogger logger, string migrationFile, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {MigrationFile} (version {Version}) in {ElapsedMilliseconds} ms")]
    private static partial void LogApplied(ILogger logger, string migrationFile, string version, long elapsedMilliseconds);
}
