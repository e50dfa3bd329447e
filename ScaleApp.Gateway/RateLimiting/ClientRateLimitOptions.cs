namespace ScaleApp.Gateway.RateLimiting;

/// <summary>
/// Token bucket per client IP address, bound from <c>Gateway:RateLimit</c>. Each request takes one token; a client
/// with an empty bucket gets 429 with <c>Retry-After</c> until the bucket refills.
/// </summary>
public sealed class ClientRateLimitOptions
{
    public const string SectionName = "Gateway:RateLimit";

    /// <summary>Turns the limiter off, for example behind another layer that already limits clients.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Bucket size: the largest burst of requests one client may send at once.</summary>
    public int TokenLimit { get; set; } = 400;

    /// <summary>Tokens added to each client's bucket every <see cref="ReplenishmentPeriod"/>: the sustained request rate.</summary>
    public int TokensPerPeriod { get; set; } = 200;

    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Validates the settings and returns one message per invalid setting. An empty list means the options are valid.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();

        if (TokenLimit <= 0)
        {
            errors.Add($"{SectionName}:{nameof(TokenLimit)} is '{TokenLimit}' but must be a positive number of requests.");
        }

        if (TokensPerPeriod <= 0 || TokensPerPeriod > TokenLimit)
        {
            errors.Add($"{SectionName}:{nameof(TokensPerPeriod)} is '{TokensPerPeriod}' but must be positive and at most {nameof(TokenLimit)} ({TokenLimit}).");
        }

        if (ReplenishmentPeriod <= TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:{nameof(ReplenishmentPeriod)} is '{ReplenishmentPeriod}' but must be a positive time span such as '00:00:01'.");
        }

        return errors;
    }
}
