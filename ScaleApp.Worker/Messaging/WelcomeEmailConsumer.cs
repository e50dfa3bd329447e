using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using ScaleApp.Worker.WelcomeEmail;

namespace ScaleApp.Worker.Messaging;

/// <summary>
/// Consumes the welcome-email queue with manual acknowledgement and settles each delivery with
/// the outcome of <see cref="WelcomeEmailHandler"/>.
/// </summary>
/// <remarks>
/// Keeps consuming without stopping the host: the first connection is retried with back-off,
/// RabbitMQ.Client's automatic recovery reconnects after a broker restart and re-registers the
/// consumer, and a channel that closes while the connection stays open is replaced here.
/// </remarks>
internal sealed partial class WelcomeEmailConsumer(
    IServiceProvider services,
    WelcomeEmailHandler handler,
    WelcomeEmailConsumerStatus status,
    WelcomeEmailTelemetry telemetry,
    IOptions<WelcomeEmailOptions> options,
    ILogger<WelcomeEmailConsumer> logger) : BackgroundService
{
    private static readonly TimeSpan InitialRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>How often the channel and consumer are checked; two failed checks in a row replace the channel.</summary>
    private static readonly TimeSpan ChannelCheckInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var connection = await ConnectAsync(stoppingToken);
            var delay = InitialRetryDelay;

            while (true)
            {
                try
                {
                    await ConsumeUntilChannelLostAsync(connection, stoppingToken);
                    delay = InitialRetryDelay;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogChannelFailed(logger, ex, delay.TotalSeconds);
                    await Task.Delay(delay, stoppingToken);
                    delay = NextDelay(delay);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping. Unacknowledged messages return to the queue when the channel closes.
        }
        finally
        {
            status.SetAttached(false);
        }
    }

    private async Task<IConnection> ConnectAsync(CancellationToken stoppingToken)
    {
        var delay = InitialRetryDelay;

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // The Aspire client opens the connection, synchronously, when IConnection is first resolved.
                // A failed attempt is not cached by the container, so resolving again tries again.
                var connection = await Task.Run(services.GetRequiredService<IConnection>, stoppingToken);

                connection.ConnectionShutdownAsync += OnConnectionShutdownAsync;
                connection.RecoverySucceededAsync += OnRecoverySucceededAsync;
                connection.ConnectionRecoveryErrorAsync += OnConnectionRecoveryErrorAsync;
                LogConnected(logger, connection.Endpoint.HostName, connection.Endpoint.Port, attempt);
                return connection;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogConnectFailed(logger, attempt, delay.TotalSeconds, Describe(ex));
                await Task.Delay(delay, stoppingToken);
                delay = NextDelay(delay);
            }
        }
    }

    /// <summary>
    /// Declares the topology, starts the consumer and returns only when the channel or consumer is
    /// gone while the connection is open, which automatic recovery does not repair (for example a
    /// channel closed by a channel-level error, or the queue deleted).
    /// </summary>
    private async Task ConsumeUntilChannelLostAsync(IConnection connection, CancellationToken stoppingToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        await MessagingTopology.DeclareAsync(channel, options.Value.EffectiveRetryDelays, stoppingToken);
        await channel.BasicQosAsync(prefetchSize: 0, (ushort)options.Value.PrefetchCount, global: false, stoppingToken);

        // Retries and dead letters are published on their own channel with confirms, so the original
        // delivery is acknowledged only after the broker has stored its copy.
        await using var publishChannel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            stoppingToken);

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => OnReceivedAsync(channel, publishChannel, delivery, stoppingToken);

        // Both events also fire when automatic recovery drops and re-registers the consumer.
        consumer.RegisteredAsync += (_, args) =>
        {
            status.SetAttached(true);
            LogAttached(logger, MessagingTopology.WelcomeEmailQueue, string.Join(", ", args.ConsumerTags), options.Value.PrefetchCount);
            return Task.CompletedTask;
        };
        consumer.UnregisteredAsync += (_, args) =>
        {
            status.SetAttached(false);
            if (stoppingToken.IsCancellationRequested)
            {
                LogStoppedConsuming(logger, MessagingTopology.WelcomeEmailQueue);
            }
            else
            {
                LogDetached(logger, MessagingTopology.WelcomeEmailQueue, string.Join(", ", args.ConsumerTags));
            }

            return Task.CompletedTask;
        };

        try
        {
            await channel.BasicConsumeAsync(MessagingTopology.WelcomeEmailQueue, autoAck: false, consumer, stoppingToken);

            var failedChecks = 0;
            while (failedChecks < 2)
            {
                await Task.Delay(ChannelCheckInterval, stoppingToken);

                if (consumer.IsRunning && channel.IsOpen && publishChannel.IsOpen)
                {
                    failedChecks = 0;
                }
                else if (connection.IsOpen)
                {
                    failedChecks++;
                }

                // With the connection closed, automatic recovery is reconnecting and will restore the consumer.
            }

            LogChannelLost(logger, channel.CloseReason?.ReplyText ?? "consumer cancelled");
        }
        finally
        {
            status.SetAttached(false);
        }
    }

    private async Task OnReceivedAsync(IChannel channel, IChannel publishChannel, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        var messageId = delivery.BasicProperties.MessageId ?? "(none)";

        DeliveryOutcome outcome;
        try
        {
            outcome = await handler.HandleAsync(delivery.BasicProperties, delivery.Body, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        try
        {
            switch (outcome.Action)
            {
                case DeliveryAction.Acknowledge:
                    break;

                case DeliveryAction.DeadLetter:
                    await DeadLetterAsync(publishChannel, delivery, messageId, outcome.Reason ?? "no reason given");
                    break;

                case DeliveryAction.Retry:
                    await RetryAsync(publishChannel, delivery, messageId, outcome.Reason ?? "no reason given");
                    break;
            }

            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException)
        {
            LogSettleFailed(logger, outcome.Action, messageId, ex.Message);
        }
        catch (Exception ex) when (ex is TimeoutException or PublishException)
        {
            // The broker may not have stored the copy, so the original goes back to the queue. If it did
            // store it, the delivery record in email_deliveries keeps the second copy from sending again.
            LogRepublishFailed(logger, ex, outcome.Action, messageId);
            await NackWithRequeueAsync(channel, delivery.DeliveryTag, messageId, outcome.Action);
        }
    }

    /// <summary>
    /// Publishes the message to the retry queue of its next attempt, or to the dead-letter queue
    /// after the last attempt. The caller acknowledges the original once this returns.
    /// </summary>
    private async Task RetryAsync(IChannel publishChannel, BasicDeliverEventArgs delivery, string messageId, string reason)
    {
        var attempt = MessagingTopology.ReadAttempt(delivery.BasicProperties.Headers);
        var decision = RetryPolicy.Decide(attempt, options.Value.MaxAttempts, options.Value.EffectiveRetryDelays);
        if (decision.DeadLetter)
        {
            await DeadLetterAsync(publishChannel, delivery, messageId, $"Failed all {attempt} attempts; the last failure: {reason}");
            return;
        }

        var properties = CopyProperties(delivery.BasicProperties);
        properties.Headers![MessagingTopology.AttemptHeader] = decision.NextAttempt;

        var retryQueue = MessagingTopology.RetryQueueName(decision.Delay);
        await PublishAsync(publishChannel, exchange: string.Empty, routingKey: retryQueue, properties, delivery.Body);

        telemetry.RetryScheduled(decision.NextAttempt);
        LogRetryScheduled(logger, messageId, attempt, decision.NextAttempt, options.Value.MaxAttempts, decision.Delay.TotalSeconds);
    }

    /// <summary>Publishes the message, unchanged but for a reason header, to the dead-letter queue.</summary>
    private async Task DeadLetterAsync(IChannel publishChannel, BasicDeliverEventArgs delivery, string messageId, string reason)
    {
        var properties = CopyProperties(delivery.BasicProperties);
        properties.Headers![MessagingTopology.AttemptHeader] = MessagingTopology.ReadAttempt(delivery.BasicProperties.Headers);
        properties.Headers[MessagingTopology.DeadLetterReasonHeader] = reason;

        await PublishAsync(publishChannel, MessagingTopology.DeadLetterExchange, MessagingTopology.WelcomeEmailQueue, properties, delivery.Body);

        telemetry.MessageDeadLettered();
        LogDeadLettered(logger, messageId, MessagingTopology.DeadLetterQueue, reason);
    }

    /// <summary>
    /// Publishes with the mandatory flag and waits for the confirm, at most the configured publish
    /// timeout, so an unroutable or unconfirmed copy throws instead of being lost.
    /// </summary>
    private async Task PublishAsync(IChannel publishChannel, string exchange, string routingKey, BasicProperties properties, ReadOnlyMemory<byte> body)
    {
        var timeout = options.Value.PublishTimeout;
        using var timeoutSource = new CancellationTokenSource(timeout);
        try
        {
            await publishChannel.BasicPublishAsync(exchange, routingKey, mandatory: true, properties, body, timeoutSource.Token);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"RabbitMQ did not confirm the publish to exchange '{exchange}' with routing key '{routingKey}' within {timeout.TotalSeconds} s.");
        }
    }

    private async Task NackWithRequeueAsync(IChannel channel, ulong deliveryTag, string messageId, DeliveryAction action)
    {
        try
        {
            await channel.BasicNackAsync(deliveryTag, multiple: false, requeue: true, CancellationToken.None);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException)
        {
            LogSettleFailed(logger, action, messageId, ex.Message);
        }
    }

    private static BasicProperties CopyProperties(IReadOnlyBasicProperties original) =>
        new(original)
        {
            Headers = original.Headers is null
                ? new Dictionary<string, object?>()
                : new Dictionary<string, object?>(original.Headers),
        };

    private Task OnConnectionShutdownAsync(object sender, ShutdownEventArgs args)
    {
        // When this process closes the connection (the host is stopping), automatic recovery does not run.
        if (args.Initiator != ShutdownInitiator.Application)
        {
            LogConnectionLost(logger, args.Initiator, args.ReplyCode, args.ReplyText);
        }

        return Task.CompletedTask;
    }

    private Task OnRecoverySucceededAsync(object sender, AsyncEventArgs args)
    {
        LogConnectionRecovered(logger);
        return Task.CompletedTask;
    }

    private Task OnConnectionRecoveryErrorAsync(object sender, ConnectionRecoveryErrorEventArgs args)
    {
        LogConnectionRecoveryFailed(logger, Describe(args.Exception));
        return Task.CompletedTask;
    }

    private static TimeSpan NextDelay(TimeSpan delay) => TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));

    private static string Describe(Exception exception) =>
        exception.InnerException is null
            ? exception.Message
            : $"{exception.Message} ({exception.GetBaseException().Message})";

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to RabbitMQ at {Host}:{Port} after {Attempts} attempt(s)")]
    private static partial void LogConnected(ILogger logger, string host, int port, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed to connect to RabbitMQ (attempt {Attempt}); retrying in {DelaySeconds} s: {Error}")]
    private static partial void LogConnectFailed(ILogger logger, int attempt, double delaySeconds, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed to open the consumer channel; retrying in {DelaySeconds} s")]
    private static partial void LogChannelFailed(ILogger logger, Exception exception, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The consumer was cancelled or its channel closed without recovery ({Reason}); opening a new channel")]
    private static partial void LogChannelLost(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming from queue {Queue} with consumer tag {ConsumerTag} and prefetch {PrefetchCount}")]
    private static partial void LogAttached(ILogger logger, string queue, string consumerTag, int prefetchCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped consuming from queue {Queue} (consumer tag {ConsumerTag}); waiting for the channel to recover")]
    private static partial void LogDetached(ILogger logger, string queue, string consumerTag);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped consuming from queue {Queue} because the host is stopping")]
    private static partial void LogStoppedConsuming(ILogger logger, string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Moved message {MessageId} to the dead-letter queue {Queue}: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string messageId, string queue, string reason);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Scheduled message {MessageId} for attempt {NextAttempt} of {MaxAttempts} in {DelaySeconds} s after attempt {Attempt} failed")]
    private static partial void LogRetryScheduled(ILogger logger, string messageId, int attempt, int nextAttempt, int maxAttempts, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Failed to publish the {Action} copy of message {MessageId}; returning the message to the queue")]
    private static partial void LogRepublishFailed(ILogger logger, Exception exception, DeliveryAction action, string messageId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Could not settle message {MessageId} ({Action}) because the channel is closed; the broker will redeliver it: {Error}")]
    private static partial void LogSettleFailed(ILogger logger, DeliveryAction action, string messageId, string error);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Lost the RabbitMQ connection (initiator {Initiator}, code {ReplyCode}: {ReplyText}); automatic recovery will reconnect")]
    private static partial void LogConnectionLost(ILogger logger, ShutdownInitiator initiator, ushort replyCode, string replyText);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovered the RabbitMQ connection")]
    private static partial void LogConnectionRecovered(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Automatic recovery of the RabbitMQ connection failed; it will try again: {Error}")]
    private static partial void LogConnectionRecoveryFailed(ILogger logger, string error);
}
