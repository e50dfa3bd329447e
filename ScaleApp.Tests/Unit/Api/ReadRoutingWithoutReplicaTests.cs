using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ScaleApp.Api.Data;
using ScaleApp.Api.Diagnostics;

namespace ScaleApp.Tests.Unit.Api;

public sealed class ReadRoutingWithoutReplicaTests : IDisposable
{
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly NpgsqlDataSource _primary = NpgsqlDataSource.Create(ApiRegistrations.PrimaryDb);
    private readonly NpgsqlDataSource _replica = NpgsqlDataSource.Create(ApiRegistrations.ReplicaDb);

    [Fact]
    public void NoReplicaRegistersNoMonitor()
    {
        var builder = ApiRegistrations.CreateBuilder(ApiRegistrations.Without("replica-db"));

        builder.AddDatabases();

        Assert.DoesNotContain(builder.Services, service => service.ImplementationType == typeof(ReplicaMonitor));
        Assert.DoesNotContain(builder.Services, service => service.ServiceType == typeof(ReplicaStatus));
        Assert.DoesNotContain(builder.Services, service => service.IsKeyedService && Equals(service.ServiceKey, Databases.ReplicaName));
        using var services = builder.Services.BuildServiceProvider();
        Assert.False(services.GetRequiredService<Databases>().HasReplica);
    }

    [Fact]
    public void ReplicaRegistersMonitor()
    {
        var builder = ApiRegistrations.CreateBuilder(ApiRegistrations.FullTopology());

        builder.AddDatabases();

        Assert.Contains(builder.Services, service => service.ServiceType == typeof(IHostedService) && service.ImplementationType == typeof(ReplicaMonitor));
        using var services = builder.Services.BuildServiceProvider();
        Assert.True(services.GetRequiredService<Databases>().HasReplica);
    }

    [Fact]
    public async Task ReadTargetWithoutReplicaIsPrimary()
    {
        var metrics = CreateMetrics();
        var databases = new Databases(_primary, replica: null, replicaStatus: null, metrics);

        // The primary's port is closed, so a position check would throw instead of returning.
        var target = await databases.ChooseReadTargetAsync(walPosition: 0x1234, "feed_replica_check", CancellationToken.None);

        Assert.Equal(DatabaseTarget.Primary, target);
        var counters = metrics.Snapshot();
        Assert.Empty(counters.DatabaseQueries);
        Assert.Null(counters.Replica);
    }

    [Fact]
    public async Task ReadWithoutReplicaRunsOnPrimary()
    {
        var metrics = CreateMetrics();
        var databases = new Databases(_primary, replica: null, replicaStatus: null, metrics);
        var targets = new List<DatabaseTarget>();

        var result = await databases.ReadAsync(target =>
        {
            targets.Add(target);
            return Task.FromResult(42);
        });

        Assert.Equal(42, result);
        Assert.Equal([DatabaseTarget.Primary], targets);
        Assert.Null(metrics.Snapshot().Replica);
    }

    [Fact]
    public void ReplicaCommandWithoutReplicaRunsOnPrimary()
    {
        var metrics = CreateMetrics();
        var databases = new Databases(_primary, replica: null, replicaStatus: null, metrics);

        using var command = databases.CreateCommand(DatabaseTarget.Replica, "post_by_id", "SELECT 1");

        Assert.Same(_primary, databases.Get(DatabaseTarget.Replica));
        var query = Assert.Single(metrics.Snapshot().DatabaseQueries);
        Assert.Equal("post_by_id", query.Operation);
        Assert.Equal("primary", query.Target);
    }

    [Fact]
    public void ReplicaCommandWithReplicaRunsOnReplica()
    {
        var metrics = CreateMetrics();
        var status = new ReplicaStatus(metrics, NullLogger<ReplicaStatus>.Instance);
        var databases = new Databases(_primary, _replica, status, metrics);

        using var command = databases.CreateCommand(DatabaseTarget.Replica, "post_by_id", "SELECT 1");

        Assert.Same(_replica, databases.Get(DatabaseTarget.Replica));
        Assert.Equal("replica", Assert.Single(metrics.Snapshot().DatabaseQueries).Target);
        Assert.NotNull(metrics.Snapshot().Replica);
    }

    [Fact]
    public void NoReplicaPublishesNoReplicaInstruments()
    {
        var withoutReplica = PublishedInstruments(metrics => _ = new Databases(_primary, replica: null, replicaStatus: null, metrics));
        var withReplica = PublishedInstruments(metrics =>
            _ = new Databases(_primary, _replica, new ReplicaStatus(metrics, NullLogger<ReplicaStatus>.Instance), metrics));

        Assert.DoesNotContain(withoutReplica, name => name.StartsWith("scaleapp.db.replica", StringComparison.Ordinal));
        Assert.Contains("scaleapp.db.queries", withoutReplica);
        Assert.Contains("scaleapp.db.replica_lag", withReplica);
        Assert.Contains("scaleapp.db.replica_available", withReplica);
        Assert.Contains("scaleapp.db.replica_fallbacks", withReplica);
    }

    [Fact]
    public void ReplicaWithoutStatusIsRejected()
    {
        Assert.Throws<ArgumentException>(() => new Databases(_primary, _replica, replicaStatus: null, CreateMetrics()));
    }

    private ApiMetrics CreateMetrics() => new(_meters.GetRequiredService<IMeterFactory>());

    // Names of the ScaleApp.Api instruments that exist after create runs, from a fresh meter factory.
    private static List<string> PublishedInstruments(Action<ApiMetrics> create)
    {
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = meters.GetRequiredService<IMeterFactory>();
        var names = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Scope == meterFactory)
            {
                names.Add(instrument.Name);
            }
        };
        listener.Start();

        create(new ApiMetrics(meterFactory));
        return names;
    }

    public void Dispose()
    {
        _primary.Dispose();
        _replica.Dispose();
        _meters.Dispose();
    }
}
