using System.Diagnostics;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using Npgsql;
using RabbitMQ.Client;
using ScaleApp.Worker.Messaging;

namespace ScaleApp.Worker.WelcomeEmail;

/// <summary>What the consumer does with a delivery after it was handled.</summary>
internal enum DeliveryAction
{
    Acknowledge,

    /// <summary>Drop the message (basic.reject without requeue) because it can never succeed.</summary>
    Reject,

    /// <summary>Return the message to the queue (basic.nack with requeue) after a transient failure.</summary>
    Requeue,
}

internal readonly record struct DeliveryOutcome(DeliveryAction Action, string? RejectReason = null)
{
    public static DeliveryOutcome Acknowledge => new(DeliveryAction.Acknowledge);

    public static DeliveryOutcome Requeue => new(DeliveryAction.Requeue);

    public static DeliveryOutcome Reject(string reason) => new(DeliveryAction.Reject, reason);
}

/// <summary>
/// Handles one user.registered delivery: validates it, skips events whose email was already sent,
/// otherwise sends the welcome email and records the delivery in <c>email_deliveries</c>.
/// </summary>
/// <remarks>
/// Delivery is at least once. If the email was sent but recording it fails, the message is requeued
/// and the email is sent again. Two consumers that take the same event at the same moment can also
/// both send, because the check and the insert are separate statements.
/// </remarks>
internal sealed partial class WelcomeEmailHandler(
    EmailDeliveryStore deliveries,
    WelcomeEmailSender sender,
    WelcomeEmailTelemetry telemetry,
    ILogger<WelcomeEmailHandler> logger)
{
    public async Task<DeliveryOutcome> HandleAsync(IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        using var activity = StartProcessActivity(properties);
        var messageId = properties.MessageId ?? "(none)";

        if (!string.IsNullOrEmpty(properties.Type) && properties.Type != MessagingTopology.UserRegisteredMessageType)
        {
            return Reject(activity, $"Message type '{properties.Type}' is not '{MessagingTopology.UserRegisteredMessageType}'.");
        }

        if (!UserRegistered.TryParse(body.Span, out var registration, out var error))
        {
            return Reject(activity, error);
        }

        activity?.SetTag("scaleapp.event_id", registration.EventId.ToString());
        activity?.SetTag("scaleapp.user_id", registration.UserId);

        var stage = "database";
        try
        {
            if (await deliveries.IsDeliveredAsync(registration.EventId, cancellationToken))
            {
                telemetry.DuplicateSkipped();
                LogDuplicateSkipped(logger, registration.EventId, messageId);
                return DeliveryOutcome.Acknowledge;
            }

            // Once the send starts it is not cancelled when the host stops, so a sent email is also recorded
            // and a redelivery after the restart does not send it twice. The SMTP timeout bounds the wait.
            stage = "smtp";
            await sender.SendAsync(WelcomeEmailComposer.Compose(registration), CancellationToken.None);
            telemetry.EmailSent();

            stage = "database";
            await deliveries.RecordAsync(registration, CancellationToken.None);

            LogEmailSent(logger, registration.EventId, registration.UserId, messageId);
            return DeliveryOutcome.Acknowledge;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (SmtpCommandException ex) when (ex.ErrorCode == SmtpErrorCode.RecipientNotAccepted && (int)ex.StatusCode >= 500)
        {
            // A 5xx reply for the recipient is permanent, so retrying would loop forever.
            return Reject(activity, $"The SMTP server permanently rejected the recipient of event {registration.EventId}: {ex.Message}");
        }
        catch (Exception ex)
        {
            // SMTP server or database unavailable: the consumer requeues the message after a short delay.
            telemetry.SendFailed(stage);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            activity?.AddException(ex);

            // An outage repeats this line once per retry delay, so expected network and server errors are
            // logged without their stack trace. Other errors are logged with it.
            if (IsExpectedOutage(ex))
            {
                LogOutage(logger, stage, registration.EventId, messageId, $"{ex.GetType().Name}: {ex.Message}");
            }
            else
            {
                LogUnexpectedFailure(logger, ex, stage, registration.EventId, messageId);
            }

            return DeliveryOutcome.Requeue;
        }
    }

    private static Activity? StartProcessActivity(IReadOnlyBasicProperties properties)
    {
        var current = Activity.Current;
        var parent = MessageTraceContext.ChooseParent(current, MessageTraceContext.Extract(properties.Headers));

        // Under the client's own "deliver" span this span is internal. Directly under the publisher's span it is the consumer span.
        var kind = current is not null && parent == current.Context ? ActivityKind.Internal : ActivityKind.Consumer;
        var activity = WelcomeEmailTelemetry.ActivitySource.StartActivity($"process {MessagingTopology.WelcomeEmailQueue}", kind, parent);

        activity?.SetTag("messaging.system", "rabbitmq");
        activity?.SetTag("messaging.destination.name", MessagingTopology.WelcomeEmailQueue);
        activity?.SetTag("messaging.message.id", properties.MessageId);
        return activity;
    }

    private static bool IsExpectedOutage(Exception exception) =>
        exception is SocketException or IOException or TimeoutException or NpgsqlException
            or SmtpCommandException or SmtpProtocolException or ServiceNotConnectedException;

    private static DeliveryOutcome Reject(Activity? activity, string reason)
    {
        activity?.SetStatus(ActivityStatusCode.Error, reason);
        return DeliveryOutcome.Reject(reason);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Skipped event {EventId} (message {MessageId}): its welcome email was already sent")]
    private static partial void LogDuplicateSkipped(ILogger logger, Guid eventId, string messageId);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Sent the welcome email for event {EventId} to user {UserId} (message {MessageId})")]
    private static partial void LogEmailSent(ILogger logger, Guid eventId, long userId, string messageId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Failed to handle event {EventId} (message {MessageId}) at the {Stage} stage; the message will be requeued: {Error}")]
    private static partial void LogOutage(ILogger logger, string stage, Guid eventId, string messageId, string error);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Failed to handle event {EventId} (message {MessageId}) at the {Stage} stage with an unexpected error; the message will be requeued")]
    private static partial void LogUnexpectedFailure(ILogger logger, Exception exception, string stage, Guid eventId, string messageId);
}
