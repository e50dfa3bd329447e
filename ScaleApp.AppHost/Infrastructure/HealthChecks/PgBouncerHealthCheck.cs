using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ScaleApp.AppHost.Infrastructure.HealthChecks;

/// <summary>
/// Healthy when a login through PgBouncer reaches every pooled database and runs a query there,
/// which proves the pooler, its auth file and the servers behind it all work.
/// </summary>
internal sealed class PgBouncerHealthCheck(IReadOnlyList<PgBouncerDatabaseResource> databases) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        foreach (var database in databases)
        {
            try
            {
                var connectionString = await database.ConnectionStringExpression.GetValueAsync(cancellationToken);
                var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3 };

                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy(
                    $"Pooled database '{database.LogicalDatabase}' ({database.Name}) is not reachable through PgBouncer: {ex.Message}", ex);
            }
        }

        return HealthCheckResult.Healthy();
    }
}
