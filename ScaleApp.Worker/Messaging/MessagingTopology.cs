using System.Globalization;
using System.Text;
using RabbitMQ.Client;

namespace ScaleApp.Worker.Messaging;

/// <summary>
/// Exchanges, queues and bindings of the welcome email. The API declares the events exchange with
/// the same arguments, so either service can start first.
/// </summary>
/// <remarks>
/// A failed message takes one of two paths, both published by the worker with publisher confirms
/// before the original delivery is acknowledged. A retry goes to <c>welcome-email.retry.{delay}ms</c>,
/// a queue with no consumer whose message TTL is the delay; an expired message is dead-lettered
/// through the default exchange straight back to <see cref="WelcomeEmailQueue"/>. A message that can
/// never succeed goes to <see cref="DeadLetterQueue"/> through <see cref="DeadLetterExchange"/>.
/// The main queue has no queue arguments, so a broker that kept an older declaration of it accepts
/// the declaration unchanged.
/// </remarks>
internal static class MessagingTopology
{
    public const string EventsExchange = "scaleapp.events";
    public const string UserRegisteredRoutingKey = "user.registered";
    public const string UserRegisteredMessageType = "user.registered";
    public const string WelcomeEmailQueue = "welcome-email";

    public const string DeadLetterExchange = "scaleapp.dead-letter";
    public const string DeadLetterQueue = "welcome-email.dead-letter";

    /// <summary>Header with the number of the attempt this delivery is (1 when absent).</summary>
    public const string AttemptHeader = "x-attempt";

    /// <summary>Header with the reason a message was dead-lettered.</summary>
    public const string DeadLetterReasonHeader = "x-dead-letter-reason";

    /// <summary>
    /// Returns the retry queue for one delay. The delay is part of the name because RabbitMQ rejects
    /// a redeclaration with a different TTL, so a changed setting declares a new queue.
    /// </summary>
    public static string RetryQueueName(TimeSpan delay) =>
        $"{WelcomeEmailQueue}.retry.{((long)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}ms";

    /// <summary>Declares every exchange, queue and binding; declaring them again with the same arguments is a no-op.</summary>
    public static async Task DeclareAsync(IChannel channel, IEnumerable<TimeSpan> retryDelays, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(
            EventsExchange,
            ExchangeType.Topic,
            durable: true,
            autoDelete: false,
            arguments: null,
            cancellationToken: cancellationToken);

        await channel.QueueDeclareAsync(
            WelcomeEmailQueue,
            durable: true,
            exclusive: false,
            autoDelete: false,
            arguments: null,
            cancellationToken: cancellationToken);

        await channel.QueueBindAsync(
            WelcomeEmailQueue,
            EventsExchange,
            UserRegisteredRoutingKey,
            arguments: null,
            cancellationToken: cancellationToken);

        await channel.ExchangeDeclareAsync(
            DeadLetterExchange,
            ExchangeType.Direct,
            durable: true,
            autoDelete: false,
            arguments: null,
            cancellationToken: cancellationToken);

        await channel.QueueDeclareAsync(
            DeadLetterQueue,
            durable: true,
            exclusive: false,
            autoDelete: false,
            arguments: null,
            cancellationToken: cancellationToken);

        await channel.QueueBindAsync(
            DeadLetterQueue,
            DeadLetterExchange,
            WelcomeEmailQueue,
            arguments: null,
            cancellationToken: cancellationToken);

        foreach (var delay in retryDelays.Distinct())
        {
            await channel.QueueDeclareAsync(
                RetryQueueName(delay),
                durable: true,
                exclusive: false,
                autoDelete: false,
                arguments: new Dictionary<string, object?>
                {
                    ["x-message-ttl"] = (long)delay.TotalMilliseconds,
                    ["x-dead-letter-exchange"] = string.Empty,
                    ["x-dead-letter-routing-key"] = WelcomeEmailQueue,
                },
                cancellationToken: cancellationToken);
        }
    }

    /// <summary>
    /// Reads <see cref="AttemptHeader"/>; returns 1 when it is absent or not a positive number.
    /// AMQP delivers numbers as integers of any width and strings as UTF-8 byte arrays.
    /// </summary>
    public static int ReadAttempt(IDictionary<string, object?>? headers)
    {
        if (headers is null || !headers.TryGetValue(AttemptHeader, out var raw))
        {
            return 1;
        }

        long? value = raw switch
        {
            int number => number,
            long number => number,
            short number => number,
            byte number => number,
            byte[] bytes when long.TryParse(Encoding.UTF8.GetString(bytes), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
            string text when long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };

        return value is > 0 and <= int.MaxValue ? (int)value.Value : 1;
    }
}
