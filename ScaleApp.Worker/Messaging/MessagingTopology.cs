using RabbitMQ.Client;

namespace ScaleApp.Worker.Messaging;

/// <summary>
/// Exchange, queue and binding of the messaging contract. The API declares the same exchange with
/// the same arguments, so either service can start first.
/// </summary>
internal static class MessagingTopology
{
    public const string EventsExchange = "scaleapp.events";
    public const string UserRegisteredRoutingKey = "user.registered";
    public const string UserRegisteredMessageType = "user.registered";
    public const string WelcomeEmailQueue = "welcome-email";

    /// <summary>Declares the durable topic exchange, the durable queue and their binding; declaring them again is a no-op.</summary>
    public static async Task DeclareWelcomeEmailQueueAsync(IChannel channel, CancellationToken cancellationToken)
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
    }
}
