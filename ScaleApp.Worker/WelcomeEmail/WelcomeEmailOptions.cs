using System.ComponentModel.DataAnnotations;

namespace ScaleApp.Worker.WelcomeEmail;

/// <summary>Settings of the welcome-email consumer, from the <c>WelcomeEmail</c> configuration section.</summary>
internal sealed class WelcomeEmailOptions : IValidatableObject
{
    public const string SectionName = "WelcomeEmail";

    /// <summary>Used when <see cref="RetryDelays"/> is empty.</summary>
    public static readonly TimeSpan[] DefaultRetryDelays =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2)];

    private static readonly TimeSpan MinRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);

    /// <summary>Unacknowledged messages the broker sends ahead to the consumer (AMQP basic.qos prefetch count).</summary>
    [Range(1, ushort.MaxValue)]
    public int PrefetchCount { get; set; } = 16;

    /// <summary>
    /// Attempts per message, the first included. A message that fails this many times for a
    /// transient reason goes to the dead-letter queue.
    /// </summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Wait before attempt 2, 3, ...; the last entry repeats when there are more attempts than
    /// entries. Empty means <see cref="DefaultRetryDelays"/>. Configuration appends to a non-empty
    /// default list, so the default lives outside this property.
    /// </summary>
    public TimeSpan[] RetryDelays { get; set; } = [];

    /// <summary>Timeout of each SMTP operation (connect, send, quit).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan SmtpTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Maximum wait for the broker's confirm of a retry or dead-letter publish.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public IReadOnlyList<TimeSpan> EffectiveRetryDelays => RetryDelays.Length > 0 ? RetryDelays : DefaultRetryDelays;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var delay in RetryDelays)
        {
            if (delay < MinRetryDelay || delay > MaxRetryDelay)
            {
                yield return new ValidationResult(
                    $"WelcomeEmail:RetryDelays contains {delay}; each delay must be between {MinRetryDelay} and {MaxRetryDelay}.",
                    [nameof(RetryDelays)]);
            }
        }
    }
}
