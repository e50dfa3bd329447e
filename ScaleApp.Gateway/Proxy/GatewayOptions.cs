namespace ScaleApp.Gateway.Proxy;

/// <summary>
/// Timeouts for forwarding requests to the API replicas and limits on client requests, bound from the
/// <c>Gateway</c> configuration section.
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
    /// Largest request body in bytes the gateway accepts. A larger declared <c>Content-Length</c> gets 413 before
    /// anything is forwarded, and a larger chunked body gets 413 when the gateway reads past the limit.
    /// </summary>
    /// <remarks>
    /// The default equals the API's own limit, so a replica never rejects a forwarded body for its size. A replica
    /// that does so mid-body closes its connection while the gateway still sends, and the gateway can then only
    /// return 502.
    /// </remarks>
    public long MaxRequestBodySize { get; set; } = 64 * 1024;

    /// <summary>
    /// Largest total size in bytes of a request's header lines (names, values and separators); a larger request
    /// gets 431 with problem details. Kestrel closes the connection with a bare 431 above twice this size.
    /// </summary>
    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    /// <summary>
    /// Port of the gateway's admin endpoint (edge cache purge), which accepts only loopback connections to this
    /// port. 0 disables the admin endpoint.
    /// </summary>
    public int AdminPort { get; set; }

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

        if (MaxRequestBodySize <= 0)
        {
            errors.Add($"{SectionName}:{nameof(MaxRequestBodySize)} is '{MaxRequestBodySize}' but must be a positive number of bytes such as '65536'.");
        }

        if (MaxRequestHeadersTotalSize is < 1024 or > 1024 * 1024)
        {
            errors.Add($"{SectionName}:{nameof(MaxRequestHeadersTotalSize)} is '{MaxRequestHeadersTotalSize}' but must be between 1024 and 1048576 bytes.");
        }

        if (AdminPort is < 0 or > 65535)
        {
            errors.Add($"{SectionName}:{nameof(AdminPort)} is '{AdminPort}' but must be a TCP port (1-65535), or 0 to disable the admin endpoint.");
        }

        return errors;
    }
}
