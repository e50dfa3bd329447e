using System.ComponentModel.DataAnnotations;

namespace ScaleApp.Worker.WelcomeEmail;

/// <summary>Settings of the welcome-email consumer, from the <c>WelcomeEmail</c> configuration section.</summary>
internal sealed class WelcomeEmailOptions
{
    public const string SectionName = "WelcomeEmail";

    /// <summary>Unacknowledged messages the broker sends ahead to the consumer (AMQP basic.qos prefetch count).</summary>
    [Range(1, ushort.MaxValue)]
    public int PrefetchCount { get; set; } = 16;

    /// <summary>Delay before a message that failed for a transient reason is requeued.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Timeout of each SMTP operation (connect, send, quit).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan SmtpTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
