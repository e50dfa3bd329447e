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

    /// <summary>Schedule another attempt through a retry queue, or dead-letter after the last attempt.</summary>
    Retry,

    /// <summary>Move the message to the dead-letter queue at once because it can never succeed.</summary>
    DeadLetter,
}

internal readonly record struct DeliveryOutcome(DeliveryAction Action, string? Reason = null)
{
    public static DeliveryOutcome Acknowledge => new(DeliveryAction.Acknowledge);

    public static DeliveryOutcome Retry(string reason) => new(DeliveryAction.Retry, reason);

    public static DeliveryOutcome DeadLetter(string reason) => new(DeliveryAction.DeadLetter, reason);
}

/// <summary>
/// Handles one user.registered delivery: validates it, claims the event in <c>email_deliveries</c>,
/// sends the welcome email and commits the claim. An event whose claim is already committed is
/// acknowledged without sending.
/// </summary>
/// <remarks>
/// NOTE: SMTP and PostgreSQL do not commit together. If the process dies or the database fails after
/// the SMTP server accepted the email and before the claim commits, the claim rolls back and the
/// redelivery sends a second email. The window is one SMTP reply and one COMMIT round trip long.
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
            return DeadLetter(activity, $"Message type '{properties.Type}' is not '{MessagingTopology.UserRegisteredMessageType}'.");
        }

        if (!UserRegistered.TryParse(body.Span, out var registration, out var error))
        {
            return DeadLetter(activity, error);
        }

        activity?.SetTag("scaleapp.event_id", registration.EventId.ToString());
        activity?.SetTag("scaleapp.user_id", registration.UserId);

        var stage = "database";
        try
        {
            await using var claim = await deliveries.TryClaimAsync(registration, cancellationToken);
            if (claim is null)
            {
                telemetry.DuplicateSkipped();
                LogDuplicateSkipped(logger, registration.EventId, messageId);
                return DeliveryOutcome.Acknowledge;
            }

            var email = WelcomeEmailComposer.Compose(registration);
            if (Activity.Current is { } current)
            {
                email.Headers.Add(WelcomeEmailComposer.TraceIdHeader, current.TraceId.ToHexString());
            }

            // Once the send starts it is not cancelled when the host stops, so a sent email is also recorded
            // and a redelivery after the restart does not send it twice. The SMTP timeout bounds the wait.
            // The claim commits right after the server accepts the email, before QUIT.
            stage = "smtp";
            await sender.SendAsync(
                email,
                async () =>
                {
                    telemetry.EmailSent();
                    stage = "database";
                    await claim.CommitAsync(CancellationToken.None);
                },
                CancellationToken.None);

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
            return DeadLetter(activity, $"The SMTP server permanently rejected the recipient of event {registration.EventId}: {ex.Message}");
        }
        catch (Exception ex)
        {
            // SMTP server or database unavailable: the consumer schedules another attempt.
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

            return DeliveryOutcome.Retry($"{stage} failed: {ex.GetType().Name}: {ex.Message}");
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

    private static DeliveryOutcome DeadLetter(Activity? activity, string reason)
    {
        activity?.SetStatus(ActivityStatusCode.Error, reason);
        return DeliveryOutcome.DeadLetter(reason);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Skipped event {EventId} (message {MessageId}): its welcome email was already sent")]
    private static partial void LogDuplicateSkipped(ILogger logger, Guid eventId, string messageId);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Sent the welcome email for event {EventId} to user {UserId} (message {MessageId})")]
    private static partial void LogEmailSent(ILogger logger, Guid eventId, long userId, string messageId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Failed to handle event {EventId} (message {MessageId}) at the {Stage} stage; another attempt follows unless this was the last: {Error}")]
    private static partial void LogOutage(ILogger logger, string stage, Guid eventId, string messageId, string error);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Failed to handle event {EventId} (message {MessageId}) at the {Stage} stage with an unexpected error; another attempt follows unless this was the last")]
    private static partial void LogUnexpectedFailure(ILogger logger, Exception exception, string stage, Guid eventId, string messageId);
}
