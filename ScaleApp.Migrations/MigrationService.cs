using Microsoft.Extensions.Options;

namespace ScaleApp.Migrations;

/// <summary>
/// Runs the migrations once, then seeds sample data when <see cref="SeedSettings.Enabled"/> is set,
/// then stops the host. The exit code is 0 when the database is up to
/// date and 1 otherwise, which the AppHost reads to decide whether the services may start.
/// </summary>
internal sealed partial class MigrationService(
    MigrationRunner runner,
    DataSeeder seeder,
    IOptions<SeedSettings> seedSettings,
    IHostApplicationLifetime lifetime,
    ILogger<MigrationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var scripts = MigrationScript.LoadEmbedded(typeof(MigrationService).Assembly);
            await runner.RunAsync(scripts, stoppingToken);
            LogUpToDate(logger, scripts.Count, scripts[^1].Version);

            if (seedSettings.Value.Enabled)
            {
                await seeder.SeedAsync(seedSettings.Value, stoppingToken);
            }

            Environment.ExitCode = 0;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Environment.ExitCode = 1;
            LogCancelled(logger);
        }
        catch (MigrationException ex)
        {
            Environment.ExitCode = 1;
            LogMigrationFailed(logger, ex, ex.FileName);
        }
        catch (Exception ex)
        {
            Environment.ExitCode = 1;
            LogFailed(logger, ex, ex.Message);
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The database schema is up to date ({MigrationCount} migrations, latest version {Version})")]
    private static partial void LogUpToDate(ILogger logger, int migrationCount, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migrations were cancelled because the host is stopping; the last migration in progress was rolled back")]
    private static partial void LogCancelled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Migration {MigrationFile} failed and was rolled back; fix the script or the database and rerun")]
    private static partial void LogMigrationFailed(ILogger logger, Exception exception, string migrationFile);

    [LoggerMessage(Level = LogLevel.Error, Message = "Migrations or seeding failed: {Error}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string error);
}
