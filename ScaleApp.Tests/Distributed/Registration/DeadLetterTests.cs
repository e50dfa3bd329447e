using System.Text;
using RabbitMQ.Client;
using ScaleApp.AppHost.Infrastructure.Processes;

namespace ScaleApp.Tests.Distributed.Registration;

/// <summary>A message the worker cannot process goes to the dead-letter queue while valid ones are delivered.</summary>
[Collection(TopologyCollection.Name)]
public sealed class DeadLetterTests(TopologyFixture topology)
{
    private const string EventsExchange = "scaleapp.events";
    private const string DeadLetterQueue = "welcome-email.dead-letter";

    [Fact]
    public async Task MalformedMessageDeadLetteredOthersDelivered()
    {
        var maildir = topology.Resource<MailSinkProcessResource>("mail").Maildir;
        await using var connection = await WelcomeEmails.ConnectToBrokerAsync(topology);
        var malformedId = Guid.NewGuid().ToString();

        await using (var publisher = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            var properties = new BasicProperties
            {
                Persistent = true,
                ContentType = "application/json",
                MessageId = malformedId,
                Type = "user.registered",
            };
            await publisher.BasicPublishAsync(
                EventsExchange, "user.registered", mandatory: true, properties, Encoding.UTF8.GetBytes("{\"eventId\": \"not-a-uuid\", \"userId\": "));
        }

        var emails = await WelcomeEmails.RegisterManyAsync(topology.Gateway, "beside-malformed", count: 5);
        var received = await WelcomeEmails.WaitForAllAsync(maildir, emails, TimeSpan.FromSeconds(60));
        WelcomeEmails.AssertExactlyOneEach(received);

        var deadLetter = await FindDeadLetterAsync(connection, malformedId, TimeSpan.FromSeconds(30));
        Assert.NotNull(deadLetter);
        var reason = deadLetter.BasicProperties.Headers?["x-dead-letter-reason"] as byte[];
        Assert.NotNull(reason);
        Assert.Contains("not a valid user.registered JSON", Encoding.UTF8.GetString(reason), StringComparison.Ordinal);
    }

    /// <summary>
    /// Reads the dead-letter queue until the message with <paramref name="messageId"/> appears, and
    /// acknowledges only that one. Other messages return to the queue when the channel closes.
    /// </summary>
    private static async Task<BasicGetResult?> FindDeadLetterAsync(IConnection connection, string messageId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            await using var channel = await connection.CreateChannelAsync();
            while (await channel.BasicGetAsync(DeadLetterQueue, autoAck: false) is { } message)
            {
                if (message.BasicProperties.MessageId == messageId)
                {
                    await channel.BasicAckAsync(message.DeliveryTag, multiple: false);
                    return message;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        return null;
    }
}
