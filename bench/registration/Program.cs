using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

// Registration benchmark: POST /api/users with the outbox and worker ("queue") against the same
// registration sending the email inside the request ("in-request"), run as interleaved pairs on
// fresh topologies of local processes, plus the worker's drain rate. Loopback only; every phase
// is bounded in time.
var settings = BenchSettings.Parse(args);
var machine = MachineInfo.Read();
Console.WriteLine($"Machine: {machine.Cpu}, {machine.Cores} cores, {machine.MemoryGiB} GiB; {settings}");

var runs = new List<RunResult>();
var drains = new List<DrainResult>();
for (var pair = 1; pair <= settings.Pairs; pair++)
{
    foreach (var sendEmailInRequest in new[] { false, true })
    {
        var mode = sendEmailInRequest ? "in-request" : "queue";
        Console.WriteLine($"Pair {pair}, mode {mode}: starting the topology");
        await using var topology = await Topology.StartAsync(sendEmailInRequest);

        await Wrk.RunAsync(settings, topology.GatewayUrl, settings.WarmupSeconds);
        var result = await Wrk.RunAsync(settings, topology.GatewayUrl, settings.DurationSeconds);
        runs.Add(result with { Pair = pair, Mode = mode });
        Console.WriteLine($"  {mode}: {result.RequestsPerSecond:0} req/s, p50 {result.P50Ms:0.00} ms, p99 {result.P99Ms:0.00} ms, non-2xx {result.Non2xx}, statuses {result.Statuses} {result.FirstFailure}");

        if (!sendEmailInRequest)
        {
            var drain = await topology.MeasureDrainAsync(settings.DrainUsers);
            drains.Add(drain with { Pair = pair });
            Console.WriteLine($"  worker: {drain.EmailsPerSecond:0} emails/s draining {drain.Emails} queued registrations");
        }
    }
}

var report = new BenchReport(DateTime.UtcNow, machine, settings.ToString(), runs, drains);
Directory.CreateDirectory(settings.OutputDirectory);
var path = Path.Combine(settings.OutputDirectory, $"registration-{report.Date:yyyyMMdd-HHmmss}.json");
await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"Wrote {path}");
Summary.Print(runs, drains);

internal sealed record BenchSettings(int Pairs, int Threads, int Connections, int DurationSeconds, int WarmupSeconds, int DrainUsers, string OutputDirectory)
{
    public static BenchSettings Parse(string[] args)
    {
        var values = args.Select(arg => arg.Split('=', 2)).Where(parts => parts.Length == 2).ToDictionary(parts => parts[0].TrimStart('-'), parts => parts[1]);
        int Read(string name, int fallback) => values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

        return new BenchSettings(
            Read("pairs", 3),
            Read("threads", 2),
            Read("connections", 32),
            Read("duration", 8),
            Read("warmup", 2),
            Read("drain-users", 500),
            values.GetValueOrDefault("out", "bench/results"));
    }

    public override string ToString() =>
        $"pairs={Pairs}, wrk -t{Threads} -c{Connections} -d{DurationSeconds}s --latency (after a {WarmupSeconds} s warm-up), drain of {DrainUsers} registrations";
}

internal sealed record MachineInfo(string Cpu, int Cores, long MemoryGiB)
{
    public static MachineInfo Read()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var memoryKiB = File.ReadLines("/proc/meminfo").First(line => line.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return new MachineInfo(cpu, Environment.ProcessorCount, long.Parse(memoryKiB, CultureInfo.InvariantCulture) / 1024 / 1024);
    }
}

internal sealed record RunResult(
    int Pair, string Mode, double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Non2xx, long SocketErrors, string Statuses, string FirstFailure);

internal sealed record DrainResult(int Pair, int Emails, double Seconds, double EmailsPerSecond);

internal sealed record BenchReport(DateTime Date, MachineInfo Machine, string Settings, List<RunResult> Runs, List<DrainResult> Drains);

/// <summary>One topology of local processes, started with Aspire's testing builder (no dashboard).</summary>
internal sealed class Topology(DistributedApplication app, string maildir) : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    public string GatewayUrl { get; } = app.GetEndpoint("gateway", "http").ToString().TrimEnd('/');

    public static async Task<Topology> StartAsync(bool sendEmailInRequest)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ScaleApp_AppHost>(
            [
                "--ScaleApp:Infrastructure=processes",
                "--ScaleApp:GatewayPort=0",
                $"--ScaleApp:Registration:SendEmailInRequest={sendEmailInRequest}",
            ],
            timeout.Token);
        // Resource logs would bury the results, so only the driver's own errors reach the console.
        builder.Services.AddLogging(logging => logging.ClearProviders().AddFilter((category, level) => level >= LogLevel.Error && !category!.StartsWith("ScaleApp.AppHost.Resources", StringComparison.Ordinal)).AddConsole());

        // One load generator on one address would trip the gateway's per-client rate limit, which
        // protects the API from a single client and is not what this benchmark measures.
        builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == "gateway").Annotations.Add(
            new EnvironmentCallbackAnnotation(context => context.EnvironmentVariables["Gateway__RateLimit__Enabled"] = "false"));

        var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);
        foreach (var name in new[] { "rabbitmq", "mail", "api-0", "api-1", "api-2", "worker", "gateway" })
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
        }

        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        // The mail sink runs in its resource folder and stores messages in its maildir sub-folder.
        var maildir = Path.Combine(model.Resources.OfType<ExecutableResource>().Single(resource => resource.Name == "mail").WorkingDirectory, "maildir");
        return new Topology(app, maildir);
    }

    /// <summary>
    /// Freezes the worker with SIGSTOP, registers <paramref name="users"/> users, waits until their
    /// events are published, resumes the worker with SIGCONT and measures until the last email.
    /// Freezing keeps the worker's process, connection and warm-up, so only the drain is timed.
    /// </summary>
    public async Task<DrainResult> MeasureDrainAsync(int users)
    {
        await WaitForStableMaildirAsync(TimeSpan.FromSeconds(60));
        var workerPid = ListenerPid(app.GetEndpoint("worker", "http").Port);

        var before = CountEmails();
        Signal("STOP", workerPid);
        try
        {
            using var gateway = new HttpClient { BaseAddress = new Uri(GatewayUrl), Timeout = TimeSpan.FromSeconds(30) };
            var prefix = Guid.NewGuid().ToString("N");
            await Parallel.ForEachAsync(Enumerable.Range(0, users), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (index, token) =>
            {
                using var response = await gateway.PostAsJsonAsync("/api/users", new { name = "Drain User", email = $"drain-{prefix}-{index}@example.com" }, token);
                response.EnsureSuccessStatusCode();
            });

            // The frozen worker holds up to its prefetch count of deliveries; the rest wait in the queue.
            var factory = new ConnectionFactory { Uri = new Uri((await app.GetConnectionStringAsync("rabbitmq"))!) };
            await using var connection = await factory.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await channel.QueueDeclarePassiveAsync("welcome-email")).MessageCount < users - 64 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
        finally
        {
            Signal("CONT", workerPid);
        }

        var stopwatch = Stopwatch.StartNew();
        var target = before + users;
        while (CountEmails() < target && stopwatch.Elapsed < TimeSpan.FromSeconds(120))
        {
            await Task.Delay(20);
        }

        stopwatch.Stop();
        var sent = CountEmails() - before;
        return new DrainResult(0, sent, stopwatch.Elapsed.TotalSeconds, sent / stopwatch.Elapsed.TotalSeconds);
    }

    private static int ListenerPid(int port)
    {
        using var process = Process.Start(new ProcessStartInfo("ss", ["-H", "-ltnp", $"sport = :{port}"]) { RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("Could not start ss.");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var match = Regex.Match(output, @"pid=(\d+)");
        return match.Success
            ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"No process listens on port {port}; ss printed: {output}");
    }

    private static void Signal(string signal, int pid)
    {
        using var process = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        process.WaitForExit();
    }

    private async Task WaitForStableMaildirAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = -1;
        while (DateTime.UtcNow < deadline)
        {
            var count = CountEmails();
            if (count == last)
            {
                return;
            }

            last = count;
            await Task.Delay(1000);
        }
    }

    private int CountEmails()
    {
        var folder = Path.Combine(maildir, "new");
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder).Count() : 0;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

internal static partial class Wrk
{
    public static async Task<RunResult> RunAsync(BenchSettings settings, string url, int seconds)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "post-users.lua");
        var start = new ProcessStartInfo("wrk",
            [$"-t{settings.Threads}", $"-c{settings.Connections}", $"-d{seconds}s", "--timeout", "10s", "--latency", "-s", script, url])
        {
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start wrk.");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk exited with code {process.ExitCode}: {output}");
        }

        return new RunResult(
            0,
            string.Empty,
            double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            Milliseconds(Percentile(output, "50")),
            Milliseconds(Percentile(output, "99")),
            long.Parse(Requests().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            Non2xx().Match(output) is { Success: true } non2xx ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            SocketErrors().Match(output) is { Success: true } errors
                ? errors.Groups.Values.Skip(1).Sum(group => long.Parse(group.Value, CultureInfo.InvariantCulture))
                : 0,
            string.Join(" ", Regex.Matches(output, @"^statuses: (.*)$", RegexOptions.Multiline).Select(match => match.Groups[1].Value)),
            Regex.Match(output, @"^first failure: (.*)$", RegexOptions.Multiline).Groups[1].Value);
    }

    private static string Percentile(string output, string percentile) =>
        Regex.Match(output, $@"^\s*{percentile}%\s+(\S+)", RegexOptions.Multiline).Groups[1].Value;

    private static double Milliseconds(string value)
    {
        var match = Regex.Match(value, @"^([\d.]+)(us|ms|s|m)$");
        var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "us" => number / 1000,
            "ms" => number,
            "s" => number * 1000,
            _ => number * 60_000,
        };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Requests();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}

internal static class Summary
{
    public static void Print(List<RunResult> runs, List<DrainResult> drains)
    {
        Console.WriteLine("| Mode | Throughput (req/s) | p50 (ms) | p99 (ms) | Non-2xx |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var mode in runs.Select(run => run.Mode).Distinct())
        {
            var selected = runs.Where(run => run.Mode == mode).ToList();
            Console.WriteLine(
                $"| {mode} | {Describe(selected.Select(run => run.RequestsPerSecond))} | {Describe(selected.Select(run => run.P50Ms))} | " +
                $"{Describe(selected.Select(run => run.P99Ms))} | {selected.Sum(run => run.Non2xx)} |");
        }

        if (drains.Count > 0)
        {
            Console.WriteLine($"Worker drain: {Describe(drains.Select(drain => drain.EmailsPerSecond))} emails/s");
        }
    }

    /// <summary>Returns "median (min-max)".</summary>
    private static string Describe(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        return string.Create(CultureInfo.InvariantCulture, $"{median:0.0} ({sorted[0]:0.0}-{sorted[^1]:0.0})");
    }
}
