using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Npgsql;
using ScaleApp.AppHost.Infrastructure.Processes;

namespace ScaleApp.Tests.Distributed.Registration;

/// <summary>
/// Crashes and outages on the email path. Each test restores what it breaks and waits until the
/// topology is healthy again, because the other tests of the collection share it.
/// </summary>
[Collection(TopologyCollection.Name)]
public sealed partial class FaultTests(TopologyFixture topology)
{
    private const string WelcomeEmailQueue = "welcome-email";
    private static readonly TimeSpan EmailTimeout = TimeSpan.FromSeconds(90);

    private readonly string _maildir = topology.Resource<MailSinkProcessResource>("mail").Maildir;

    /// <summary>
    /// Kills the worker with SIGKILL while it has a full prefetch window of unacknowledged
    /// deliveries and is inside an SMTP conversation. The mail sink is frozen with SIGSTOP first, so
    /// the worker's current send waits for the server's reply: its claim in email_deliveries is
    /// open, and the broker has sent it deliveries up to the prefetch count. Ready messages left in
    /// the queue while the consumer is attached show that the window is full. After a restart every
    /// user must have exactly one email.
    /// </summary>
    /// <remarks>
    /// Freezing the sink keeps the worker from committing further claims, but the email in flight at
    /// the freeze may still be stored: before the freeze, or after the restart of the sink from data
    /// already in its socket buffer. Its claim was never committed, so the redelivery sends a second
    /// email, the gap SMTP leaves open and the worker documents. The worker handles one delivery at a
    /// time, so at most one email may arrive twice, and only one without a committed delivery row at the kill.
    /// </remarks>
    [Fact]
    public async Task WorkerKillRedeliversUnacknowledged()
    {
        var app = topology.App;
        var workerPid = ListenerPid(app.GetEndpoint("worker", "http").Port);
        var mailPid = ListenerPid(MailPort(await topology.ConnectionStringAsync("mail")));
        var mailFrozen = false;
        try
        {
            var first = await WelcomeEmails.RegisterManyAsync(topology.Gateway, "kill-a", count: 40);
            await WaitUntilAsync(() => WelcomeEmails.CountReceived(_maildir, first) > 0, TimeSpan.FromSeconds(30), "the first welcome email");

            Signal("STOP", mailPid);
            mailFrozen = true;

            var second = await WelcomeEmails.RegisterManyAsync(topology.Gateway, "kill-b", count: 40);
            await using (var connection = await WelcomeEmails.ConnectToBrokerAsync(topology))
            {
                await WaitUntilAsync(
                    async () => await WelcomeEmails.ReadyMessageCountAsync(connection, WelcomeEmailQueue) > 0,
                    TimeSpan.FromSeconds(20),
                    "ready messages in the welcome-email queue behind the worker's full prefetch window");
            }

            var sentBeforeKill = WelcomeEmails.CountReceived(_maildir, [.. first, .. second]);
            var undelivered = await WithoutDeliveryRowAsync([.. first, .. second]);
            Signal("KILL", workerPid);
            Signal("CONT", mailPid);
            mailFrozen = false;
            Assert.True(sentBeforeKill < first.Count + second.Count, "Every email was sent before the kill, so the test interrupted nothing.");

            await ResourceControl.WaitForTerminalStateAsync(app, "worker");
            await app.ResourceCommands.ExecuteCommandAsync("worker", KnownResourceCommands.StartCommand);
            await ResourceWaits.WaitForHealthyAsync(app, "worker", TopologyFixture.ResourceTimeout);

            var received = await WelcomeEmails.WaitForAllAsync(_maildir, [.. first, .. second], EmailTimeout);
            var duplicated = received.Where(pair => pair.Value.Count > 1).Select(pair => pair.Key).ToList();
            Assert.True(duplicated.Count <= 1, $"{duplicated.Count} users received more than one welcome email: {string.Join(", ", duplicated)}; at most the one in flight at the kill may.");
            foreach (var email in duplicated)
            {
                Assert.True(undelivered.Contains(email), $"{email} received two welcome emails, but its delivery was committed before the kill.");
                Assert.Equal(2, received[email].Count);
            }

            WelcomeEmails.AssertExactlyOneEach(received.Where(pair => !duplicated.Contains(pair.Key)).ToDictionary());
        }
        finally
        {
            if (mailFrozen)
            {
                Signal("CONT", mailPid);
            }

            await ResourceControl.EnsureRunningAsync(app, "worker");
        }
    }

    // Emails whose delivery row the worker has not committed yet.
    private async Task<HashSet<string>> WithoutDeliveryRowAsync(IReadOnlyList<string> emails)
    {
        await using var dataSource = NpgsqlDataSource.Create(await topology.ConnectionStringAsync("postgres"));
        await using var command = dataSource.CreateCommand("SELECT email FROM email_deliveries WHERE email = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = emails.ToArray() });

        var delivered = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            delivered.Add(reader.GetString(0));
        }

        return emails.Where(email => !delivered.Contains(email)).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Stops RabbitMQ, registers users while it is down (each must get 201 quickly because the
    /// request only writes to PostgreSQL), starts it again and checks that every user gets exactly
    /// one email once the relays and the worker have reconnected.
    /// </summary>
    [Fact]
    public async Task BrokerOutageLosesNoRegistration()
    {
        var app = topology.App;
        var emails = new List<string>();
        try
        {
            await app.ResourceCommands.ExecuteCommandAsync("rabbitmq", KnownResourceCommands.StopCommand);
            await ResourceControl.WaitForTerminalStateAsync(app, "rabbitmq");

            for (var index = 0; index < 10; index++)
            {
                var email = ApiClient.UniqueEmail("outage");
                var stopwatch = Stopwatch.StartNew();
                using var response = await topology.Gateway.PostAsJsonAsync("/api/users", new { name = "Outage User", email });
                stopwatch.Stop();

                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"POST /api/users took {stopwatch.Elapsed.TotalMilliseconds:0} ms while RabbitMQ was down.");
                emails.Add(email);
            }
        }
        finally
        {
            await ResourceControl.EnsureRunningAsync(app, "rabbitmq");
            await ResourceWaits.WaitForHealthyAsync(app, "worker", TopologyFixture.ResourceTimeout);
        }

        var received = await WelcomeEmails.WaitForAllAsync(_maildir, emails, EmailTimeout);
        WelcomeEmails.AssertExactlyOneEach(received);
    }

    /// <summary>Returns the pid of the process listening on the loopback TCP port, from <c>ss -ltnp</c>.</summary>
    private static int ListenerPid(int port)
    {
        using var process = Process.Start(new ProcessStartInfo("ss", ["-H", "-ltnp", $"sport = :{port}"]) { RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("Could not start ss.");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        var match = PidPattern().Match(output);
        Assert.True(match.Success, $"No process listens on port {port}; ss printed: {output}");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int MailPort(string connectionString) =>
        new Uri(connectionString["Endpoint=".Length..].Split(';')[0]).Port;

    private static void Signal(string signal, int pid)
    {
        using var process = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"kill -{signal} {pid} exited with code {process.ExitCode}.");
    }

    private static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string expected) =>
        WaitUntilAsync(() => Task.FromResult(condition()), timeout, expected);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string expected)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out after {timeout.TotalSeconds:0} s waiting for {expected}.");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    [GeneratedRegex(@"pid=(\d+)")]
    private static partial Regex PidPattern();
}
