using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using ScaleApp.Api.Diagnostics;
using ScaleApp.Api.Hosting;

namespace ScaleApp.Api.Data;

internal static class DatabaseRegistration
{
    /// <summary>
    /// Registers the primary data source through the Aspire Npgsql integration and, when
    /// <c>ConnectionStrings:replica-db</c> is set, the replica's data source and the background sampling
    /// of its state and lag. Logs at start which database serves reads.
    /// </summary>
    public static IHostApplicationBuilder AddDatabases(this IHostApplicationBuilder builder)
    {
        builder.AddKeyedNpgsqlDataSource(Databases.PrimaryName);
        builder.Services.TryAddSingleton<ApiMetrics>();
        builder.Services.TryAddSingleton(TimeProvider.System);

        if (!OptionalResources.IsConfigured(builder.Configuration, Databases.ReplicaName))
        {
            builder.Services.AddSingleton(services => new Databases(
                services.GetRequiredKeyedService<NpgsqlDataSource>(Databases.PrimaryName),
                replica: null,
                replicaStatus: null,
                services.GetRequiredService<ApiMetrics>()));
            builder.Services.AddStartupLog<Databases>(logger => logger.LogInformation(
                "Reads go to the primary {PrimaryDatabase} because ConnectionStrings:{ReplicaDatabase} is not set",
                Databases.PrimaryName,
                Databases.ReplicaName));
            return builder;
        }

        // Reads fall back to the primary while the replica is down, so the replica is not part of /health:
        // a replica outage must not take every API replica out of the gateway's rotation.
        builder.AddKeyedNpgsqlDataSource(Databases.ReplicaName, settings => settings.DisableHealthChecks = true);
        builder.Services.AddSingleton<ReplicaStatus>();
        builder.Services.AddSingleton(services => new Databases(
            services.GetRequiredKeyedService<NpgsqlDataSource>(Databases.PrimaryName),
            services.GetRequiredKeyedService<NpgsqlDataSource>(Databases.ReplicaName),
            services.GetRequiredService<ReplicaStatus>(),
            services.GetRequiredService<ApiMetrics>()));
        builder.Services.AddHostedService<ReplicaMonitor>();
        builder.Services.AddStartupLog<Databases>(logger => logger.LogInformation(
            "Reads go to the replica {ReplicaDatabase}, and to the primary {PrimaryDatabase} while the replica is unavailable or behind a client's own write",
            Databases.ReplicaName,
            Databases.PrimaryName));
        return builder;
    }
}
