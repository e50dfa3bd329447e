using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ScaleApp.AppHost.Infrastructure.HealthChecks;

/// <summary>
/// Healthy when the server accepts a login and runs a query. A hot standby must also be in
/// recovery with its WAL receiver streaming from the primary, so a standby that lost its primary
/// (or never reached it) is reported unhealthy. The server may be a local process or a container
/// whose connection string logs in to it directly.
/// </summary>
internal sealed class PostgresServerHealthCheck(IResourceWithConnectionString resource, PostgresRole role) : IHealthCheck
{
    private const string StandbyStateQuery =
        "SELECT pg_is_in_recovery(), (SELECT status FROM pg_stat_wal_receiver LIMIT 1)";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3 };

            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);

            if (role == PostgresRole.Primary)
            {
                await using var ping = new NpgsqlCommand("SELECT 1", connection);
                await ping.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }

            await using var command = new NpgsqlCommand(StandbyStateQuery, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);

            var inRecovery = reader.GetBoolean(0);
            var receiverStatus = reader.IsDBNull(1) ? "none" : reader.GetString(1);

            return inRecovery && receiverStatus == "streaming"
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"The standby is not streaming: in recovery = {inRecovery}, WAL receiver status = {receiverStatus}.");
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"PostgreSQL '{resource.Name}' is not accepting queries: {ex.Message}", ex);
        }
    }
}
