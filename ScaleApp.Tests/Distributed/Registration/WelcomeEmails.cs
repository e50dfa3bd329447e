using System.Net;
using System.Net.Http.Json;
using MimeKit;
using RabbitMQ.Client;

namespace ScaleApp.Tests.Distributed.Registration;

/// <summary>Registration and welcome-email helpers shared by the registration tests.</summary>
internal static class WelcomeEmails
{
    /// <summary>Time after the last expected email during which a second email for the same user would show up.</summary>
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromSeconds(3);

    /// <summary>Registers users with unique emails, at most <paramref name="parallelism"/> requests at a time, and returns their emails.</summary>
    public static async Task<IReadOnlyList<string>> RegisterManyAsync(HttpClient gateway, string prefix, int count, int parallelism = 8)
    {
        var emails = Enumerable.Range(0, count).Select(_ => ApiClient.UniqueEmail(prefix)).ToList();
        await Parallel.ForEachAsync(
            emails,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            async (email, cancellationToken) =>
            {
                using var response = await gateway.PostAsJsonAsync("/api/users", new { name = "Load User", email }, cancellationToken);
                Assert.True(
                    response.StatusCode == HttpStatusCode.Created,
                    $"POST /api/users for {email} returned {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            });
        return emails;
    }

    /// <summary>Returns how many of the given addresses have at least one email in the Maildir.</summary>
    public static int CountReceived(string maildir, IEnumerable<string> emails) =>
        emails.Count(email => MaildirReader.MessagesTo(maildir, email).Count > 0);

    /// <summary>
    /// Waits until every address has an email, then waits <see cref="DuplicateWindow"/> more and
    /// returns the messages per address, so a caller can assert that each has exactly one.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<MimeMessage>>> WaitForAllAsync(
        string maildir, IReadOnlyCollection<string> emails, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (CountReceived(maildir, emails) < emails.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        await Task.Delay(DuplicateWindow);
        return emails.ToDictionary(email => email, email => MaildirReader.MessagesTo(maildir, email));
    }

    /// <summary>Asserts that each address received exactly one email, naming every address that did not.</summary>
    public static void AssertExactlyOneEach(IReadOnlyDictionary<string, IReadOnlyList<MimeMessage>> received)
    {
        var missing = received.Where(pair => pair.Value.Count == 0).Select(pair => pair.Key).ToList();
        var duplicated = received.Where(pair => pair.Value.Count > 1).Select(pair => $"{pair.Key} ({pair.Value.Count})").ToList();

        Assert.True(missing.Count == 0, $"{missing.Count} of {received.Count} users received no welcome email: {string.Join(", ", missing)}");
        Assert.True(duplicated.Count == 0, $"{duplicated.Count} of {received.Count} users received more than one welcome email: {string.Join(", ", duplicated)}");
    }

    /// <summary>Returns the number of ready messages in a queue (passive declare; throws when the queue does not exist).</summary>
    public static async Task<uint> ReadyMessageCountAsync(IConnection connection, string queue)
    {
        await using var channel = await connection.CreateChannelAsync();
        var declared = await channel.QueueDeclarePassiveAsync(queue);
        return declared.MessageCount;
    }

    public static async Task<IConnection> ConnectToBrokerAsync(TopologyFixture topology)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(await topology.ConnectionStringAsync("rabbitmq")),
            ClientProvidedName = "scaleapp-tests",
        };
        return await factory.CreateConnectionAsync();
    }
}
