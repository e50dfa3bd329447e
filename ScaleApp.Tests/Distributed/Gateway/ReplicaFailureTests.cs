using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace ScaleApp.Tests.Distributed.Gateway;

/// <summary>
/// Replicas that die under load or all at once. Every test restarts what it stopped and waits until it is healthy
/// again in a finally block, so the shared topology is whole for the next test.
/// </summary>
[Collection(TopologyCollection.Name)]
public sealed class ReplicaFailureTests(TopologyFixture topology)
{
    private const string VictimReplica = "api-1";
    private const string RetryLogMarker = "on another replica because " + VictimReplica + " failed";

    private static readonly TimeSpan RestartTimeout = TimeSpan.FromMinutes(2);

    // A few seconds for active (every 5 s) or passive health checks to take a dead replica out.
    private static readonly TimeSpan TakeOutTime = TimeSpan.FromSeconds(4);

    // Active probes every 5 s, and a passive reactivation period of 10 s that may have started just before the
    // replica came back, with margin for a loaded machine.
    private static readonly TimeSpan ReturnTime = TimeSpan.FromSeconds(25);

    private static readonly TimeSpan ShareWindow = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task HardKilledReplicaCausesNoFailedGet()
    {
        using var load = new SteadyLoad(topology.App, loops: 4);
        load.Start(maxDuration: TimeSpan.FromSeconds(120));

        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.True(load.ServedBy(VictimReplica) > 0, $"{VictimReplica} served nothing before the kill. {load.Describe()}");

            KillHard(VictimReplica);
            var killedAt = load.Elapsed;

            // Taken out: after a few seconds, no request is sent to the dead replica any more, so no retry is logged.
            await Task.Delay(TakeOutTime);
            var retriesAfterTakeOut = await CountGatewayLogLinesAsync(RetryLogMarker);
            await Task.Delay(TimeSpan.FromSeconds(4));
            var retriesLater = await CountGatewayLogLinesAsync(RetryLogMarker);
            Assert.True(retriesLater == retriesAfterTakeOut,
                $"The gateway still sent requests to {VictimReplica} {TakeOutTime.TotalSeconds:0}-{TakeOutTime.TotalSeconds + 4:0} s after the kill: "
                + $"{retriesLater - retriesAfterTakeOut} more retries. {load.Describe()}");

            await StartAndWaitHealthyAsync(VictimReplica);
            var healthyAt = load.Elapsed;

            // The gateway takes it back when its active probe passes and its passive reactivation period is over.
            var firstServedAt = await load.WaitUntilServedAsync(VictimReplica, since: healthyAt, ReturnTime);
            Assert.True(firstServedAt is not null,
                $"{VictimReplica} got no traffic within {ReturnTime.TotalSeconds:0} s after it was healthy again (killed at {killedAt.TotalSeconds:0.0} s, "
                + $"healthy at {healthyAt.TotalSeconds:0.0} s). {load.Describe()}");

            // Not thrown out again on its first requests: it keeps its share after it returns.
            await Task.Delay(ShareWindow);
            var share = load.ShareSince(VictimReplica, firstServedAt.Value + TimeSpan.FromSeconds(1));

            await load.StopAsync();

            Assert.Empty(load.Failures);
            Assert.True(share >= 0.2,
                $"{VictimReplica} served {share:P0} of the requests in the {ShareWindow.TotalSeconds:0} s after it returned at "
                + $"{firstServedAt.Value.TotalSeconds:0.0} s (killed at {killedAt.TotalSeconds:0.0} s, healthy at {healthyAt.TotalSeconds:0.0} s); "
                + $"expected about a third. {load.Describe()}");
        }
        finally
        {
            await load.StopAsync();
            await EnsureRunningAsync(VictimReplica);
            await WarmUpReplicasAsync();
        }
    }

    [Fact]
    public async Task NoHealthyReplicaGets503ThenRecovers()
    {
        using var client = GatewayClients.FromAddress(topology.App, "127.0.0.33");

        try
        {
            foreach (var replica in TopologyFixture.ApiReplicaNames)
            {
                KillHard(replica);
            }

            // Until the health checks mark every replica unhealthy, a forward fails with 502; then YARP returns 503.
            var deadline = Stopwatch.StartNew();
            HttpStatusCode status;
            do
            {
                var started = Stopwatch.StartNew();
                using var response = await client.GetAsync("/api/posts");
                status = response.StatusCode;

                Assert.True(started.Elapsed < TimeSpan.FromSeconds(6), $"The gateway took {started.Elapsed.TotalSeconds:0.0} s to answer {(int)status}; the connect timeout is 5 s.");
                Assert.True(status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway, $"Expected 503 or 502 with every replica stopped, got {(int)status}.");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                if (status != HttpStatusCode.ServiceUnavailable)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250));
                }
            }
            while (status != HttpStatusCode.ServiceUnavailable && deadline.Elapsed < TimeSpan.FromSeconds(30));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);

            await StartAndWaitHealthyAsync(TopologyFixture.ApiReplicaNames[0]);
            var recovered = await WaitForStatusAsync(client, HttpStatusCode.OK, TimeSpan.FromSeconds(20));
            Assert.True(recovered, "The gateway did not serve /api/posts again within 20 s after a replica was healthy.");
        }
        finally
        {
            foreach (var replica in TopologyFixture.ApiReplicaNames)
            {
                await EnsureRunningAsync(replica);
            }

            await WaitForStatusAsync(client, HttpStatusCode.OK, TimeSpan.FromSeconds(20));
            await WarmUpReplicasAsync();
        }
    }

    /// <summary>
    /// Sends 5 s of GET load after a restart, so the next test does not meet a replica still compiling its code
    /// paths, which least-requests balancing would send less traffic to.
    /// </summary>
    private async Task WarmUpReplicasAsync()
    {
        // Unpaced, so every replica runs its hot path often enough for the JIT to optimize it.
        using var warmUp = new SteadyLoad(topology.App, loops: 4, pause: TimeSpan.Zero);
        warmUp.Start(maxDuration: TimeSpan.FromSeconds(5));
        await Task.Delay(TimeSpan.FromSeconds(5));
        await warmUp.StopAsync();
    }

    private static async Task<bool> WaitForStatusAsync(HttpClient client, HttpStatusCode expected, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            using var response = await client.GetAsync("/api/posts");
            if (response.StatusCode == expected)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        return false;
    }

    private void KillHard(string resourceName)
    {
        Assert.True(topology.App.ResourceNotifications.TryGetCurrentState(resourceName, out var current), $"No state for resource '{resourceName}'.");
        var pidProperty = current.Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid");
        Assert.True(pidProperty?.Value is not null, $"Resource '{resourceName}' reports no executable.pid property.");
        var pid = Convert.ToInt32(pidProperty.Value, CultureInfo.InvariantCulture);

        // The pid is the launcher that runs the replica as a child process; SIGKILL both, so nothing shuts down cleanly.
        using var process = Process.GetProcessById(pid);
        process.Kill(entireProcessTree: true);
    }

    private async Task ExecuteAsync(string resourceName, string command)
    {
        var result = await topology.App.ResourceCommands.ExecuteCommandAsync(resourceName, command);
        Assert.True(result.Success, $"Command '{command}' on '{resourceName}' failed: {result.Message}");
    }

    private async Task StartAndWaitHealthyAsync(string resourceName)
    {
        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await topology.App.ResourceNotifications.WaitForResourceAsync(
            resourceName,
            resourceEvent => KnownResourceStates.TerminalStates.Contains(resourceEvent.Snapshot.State?.Text),
            exited.Token);
        await ExecuteAsync(resourceName, KnownResourceCommands.StartCommand);
        await WaitForHealthyAfterStartAsync(resourceName);
    }

    /// <summary>Starts the resource again if it is stopped or exited, and waits until it is healthy.</summary>
    private async Task EnsureRunningAsync(string resourceName)
    {
        if (topology.App.ResourceNotifications.TryGetCurrentState(resourceName, out var current)
            && KnownResourceStates.TerminalStates.Contains(current.Snapshot.State?.Text))
        {
            await topology.App.ResourceCommands.ExecuteCommandAsync(resourceName, KnownResourceCommands.StartCommand);
        }

        await WaitForHealthyAfterStartAsync(resourceName);
    }

    /// <summary>
    /// Waits for the Running state before the health wait, because right after the start command the snapshot can
    /// still show the exited process, which the health wait takes for a failed start.
    /// </summary>
    private async Task WaitForHealthyAfterStartAsync(string resourceName)
    {
        using var running = new CancellationTokenSource(RestartTimeout);
        await topology.App.ResourceNotifications.WaitForResourceAsync(resourceName, KnownResourceStates.Running, running.Token);
        await ResourceWaits.WaitForHealthyAsync(topology.App, resourceName, RestartTimeout);
    }

    private async Task<int> CountGatewayLogLinesAsync(string marker)
    {
        var model = topology.App.Services.GetRequiredService<DistributedApplicationModel>();
        var gateway = model.Resources.Single(resource => resource.Name == "gateway");
        var logs = topology.App.Services.GetRequiredService<ResourceLoggerService>();

        using var readTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var count = 0;
        await foreach (var batch in logs.GetAllAsync(gateway).WithCancellation(readTimeout.Token))
        {
            count += batch.Count(line => line.Content.Contains(marker, StringComparison.Ordinal));
        }

        return count;
    }

    /// <summary>
    /// GET loops on <c>/api/posts</c>, each from its own loopback address so no loop meets the per-client rate limit,
    /// by default paced by a 20 ms pause after each response, and bounded by a maximum duration.
    /// </summary>
    private sealed class SteadyLoad(DistributedApplication app, int loops, TimeSpan? pause = null) : IDisposable
    {
        private readonly TimeSpan _pause = pause ?? TimeSpan.FromMilliseconds(20);

        private readonly List<HttpClient> _clients = Enumerable.Range(0, loops)
            .Select(index => GatewayClients.FromAddress(app, $"127.0.0.{41 + index}", TimeSpan.FromSeconds(15)))
            .ToList();
        private readonly ConcurrentQueue<(TimeSpan At, string Replica)> _served = new();
        private readonly Stopwatch _clock = new();
        private CancellationTokenSource? _stop;
        private Task _loops = Task.CompletedTask;

        public ConcurrentQueue<string> Failures { get; } = new();

        public TimeSpan Elapsed => _clock.Elapsed;

        public void Start(TimeSpan maxDuration)
        {
            _stop = new CancellationTokenSource(maxDuration);
            _clock.Start();
            _loops = Task.WhenAll(_clients.Select(client => Task.Run(() => RunAsync(client, _stop.Token))));
        }

        public async Task StopAsync()
        {
            if (_stop is not null)
            {
                await _stop.CancelAsync();
            }

            await _loops;
        }

        public int ServedBy(string replica) => _served.Count(entry => entry.Replica == replica);

        /// <summary>Waits until the replica serves a request after <paramref name="since"/>; returns when, or null on timeout.</summary>
        public async Task<TimeSpan?> WaitUntilServedAsync(string replica, TimeSpan since, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < timeout)
            {
                var served = _served.Where(entry => entry.Replica == replica && entry.At >= since).Select(entry => (TimeSpan?)entry.At).FirstOrDefault();
                if (served is not null)
                {
                    return served;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }

            return null;
        }

        public double ShareSince(string replica, TimeSpan since)
        {
            var window = _served.Where(entry => entry.At >= since).ToList();
            return window.Count == 0 ? 0 : (double)window.Count(entry => entry.Replica == replica) / window.Count;
        }

        public string Describe()
        {
            var counts = _served.GroupBy(entry => entry.Replica).Select(group => $"{group.Key}={group.Count()}");
            return $"Served: {string.Join(", ", counts)}. Failures: {Failures.Count} ({string.Join("; ", Failures.Take(5))}).";
        }

        public void Dispose()
        {
            _stop?.Dispose();
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }

        private async Task RunAsync(HttpClient client, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await client.GetAsync("/api/posts", stop);
                    await response.Content.ReadAsByteArrayAsync(stop);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        _served.Enqueue((_clock.Elapsed, ApiClient.ServedBy(response)));
                    }
                    else
                    {
                        Failures.Enqueue($"{_clock.Elapsed.TotalSeconds:0.0} s: {(int)response.StatusCode}");
                    }

                    if (_pause > TimeSpan.Zero)
                    {
                        await Task.Delay(_pause, stop);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (HttpRequestException error)
                {
                    Failures.Enqueue($"{_clock.Elapsed.TotalSeconds:0.0} s: {error.Message}");
                }
            }
        }
    }
}
