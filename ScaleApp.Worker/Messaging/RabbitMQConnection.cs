using Aspire.RabbitMQ.Client;
using RabbitMQ.Client;

namespace ScaleApp.Worker.Messaging;

/// <summary>Settings for the Aspire RabbitMQ client that the welcome-email consumer relies on.</summary>
internal static class RabbitMQConnection
{
    public const string ConnectionName = "rabbitmq";

    /// <summary>
    /// Turns off the client's own connect retries. <see cref="WelcomeEmailConsumer"/> retries the first
    /// connection itself with back-off and a log line, and never lets a failed connect stop the host.
    /// </summary>
    public static void ConfigureSettings(RabbitMQClientSettings settings) => settings.MaxConnectRetryCount = 0;

    /// <summary>
    /// Enables automatic recovery (reconnect after a broker restart) and topology recovery, which
    /// redeclares the exchange, queue and binding and re-registers the consumer on the new connection.
    /// Both are the RabbitMQ.Client 7 defaults; they are set here because the consumer depends on them.
    /// </summary>
    public static void ConfigureFactory(ConnectionFactory factory)
    {
        factory.ClientProvidedName = "scaleapp-worker";
        factory.AutomaticRecoveryEnabled = true;
        factory.TopologyRecoveryEnabled = true;
        factory.NetworkRecoveryInterval = TimeSpan.FromSeconds(5);
    }
}
