using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ScaleApp.Worker.WelcomeEmail;

/// <summary>Spans and counters of the welcome-email worker (ActivitySource and Meter <c>ScaleApp.Worker</c>).</summary>
internal sealed class WelcomeEmailTelemetry
{
    public const string Name = "ScaleApp.Worker";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _emailsSent;
    private readonly Counter<long> _duplicatesSkipped;
    private readonly Counter<long> _messagesDeadLettered;
    private readonly Counter<long> _retriesScheduled;
    private readonly Counter<long> _sendFailures;

    public WelcomeEmailTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);

        _emailsSent = meter.CreateCounter<long>(
            "scaleapp.welcome_email.sent", "{email}", "Welcome emails accepted by the SMTP server.");
        _duplicatesSkipped = meter.CreateCounter<long>(
            "scaleapp.welcome_email.duplicates_skipped", "{message}", "Redelivered events whose email had already been sent.");
        _messagesDeadLettered = meter.CreateCounter<long>(
            "scaleapp.welcome_email.dead_lettered", "{message}", "Messages moved to the dead-letter queue: malformed, permanently rejected, or out of attempts.");
        _retriesScheduled = meter.CreateCounter<long>(
            "scaleapp.welcome_email.retries_scheduled", "{message}", "Failed messages published to a retry queue for another attempt.");
        _sendFailures = meter.CreateCounter<long>(
            "scaleapp.welcome_email.send_failures", "{message}", "Attempts that failed at the SMTP or database stage.");
    }

    public void EmailSent() => _emailsSent.Add(1);

    public void DuplicateSkipped() => _duplicatesSkipped.Add(1);

    public void MessageDeadLettered() => _messagesDeadLettered.Add(1);

    public void RetryScheduled(int nextAttempt) =>
        _retriesScheduled.Add(1, new KeyValuePair<string, object?>("scaleapp.attempt", nextAttempt));

    /// <param name="stage">Where the failure happened: <c>smtp</c> or <c>database</c>.</param>
    public void SendFailed(string stage) => _sendFailures.Add(1, new KeyValuePair<string, object?>("scaleapp.failure.stage", stage));
}
