using System.Diagnostics;
using Npgsql;

namespace ScaleApp.Tests.Distributed;

/// <summary>
/// Reads PgBouncer's admin console with psql. The console speaks only the simple query protocol,
/// which Npgsql does not use for commands, so the psql client does the talking.
/// </summary>
internal static class PgBouncerAdmin
{
    /// <summary>Returns total transactions per logical database from SHOW STATS.</summary>
    public static async Task<Dictionary<string, long>> TransactionCountsAsync(NpgsqlConnectionStringBuilder pooled)
    {
        var start = new ProcessStartInfo("psql")
        {
            ArgumentList =
            {
                $"host={pooled.Host} port={pooled.Port} dbname=pgbouncer user={pooled.Username}",
                "--no-align", "--tuples-only", "--field-separator=|", "--command=SHOW STATS",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PGPASSWORD"] = pooled.Password;

        using var psql = Process.Start(start)!;
        var output = await psql.StandardOutput.ReadToEndAsync();
        var errors = await psql.StandardError.ReadToEndAsync();
        await psql.WaitForExitAsync();
        Assert.True(psql.ExitCode == 0, $"psql SHOW STATS failed with exit code {psql.ExitCode}: {errors}");

        // Columns: database, total_xact_count, total_query_count, ...
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('|'))
            .ToDictionary(fields => fields[0], fields => long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
