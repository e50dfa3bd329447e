namespace ScaleApp.Gateway.Proxy;

/// <summary>
/// Timeouts for forwarding requests to the API replicas, bound from the <c>Gateway</c> configuration section.
/// </summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Maximum time to open a TCP connection to a replica. A timeout returns 504 to the client.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Maximum idle time between two reads or writes of a forwarded request (YARP's cluster
    /// <c>HttpRequest:ActivityTimeout</c>), applied to every cluster that does not set its own.
    /// A timeout returns 504 to the client.
    /// </summary>
    public TimeSpan ActivityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Validates the timeouts and returns one message per invalid setting, naming the configuration key,
    /// the value and the expected range. An empty list means the options are valid.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:{nameof(ConnectTimeout)} is '{ConnectTimeout}' but must be a positive time span such as '00:00:05'.");
        }

        if (ActivityTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:{nameof(ActivityTimeout)} is '{ActivityTimeout}' but must be a positive time span such as '00:00:30'.");
        }

        return errors;
    }
}
