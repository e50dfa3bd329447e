namespace ScaleApp.Gateway.EdgeCache;

/// <summary>
/// In-memory cache of the replicas' public static assets, bound from <c>Gateway:EdgeCache</c>.
/// </summary>
public sealed class EdgeCacheOptions
{
    public const string SectionName = "Gateway:EdgeCache";

    /// <summary>
    /// Whether the gateway caches static assets. When false, asset requests are proxied like any other
    /// request: no <c>X-Cache</c> header, nothing stored, and the purge endpoint returns 409.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a cached asset is served before the next request fetches it from a replica again.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Memory the cache may use for all entries, in bytes; the least recently used entries go first.</summary>
    public long SizeLimit { get; set; } = 64 * 1024 * 1024;

    /// <summary>Largest single response in bytes that is cached; larger assets are always forwarded.</summary>
    public long MaximumBodySize { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Validates the settings and returns one message per invalid setting. An empty list means the options are valid.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();

        if (Duration <= TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:{nameof(Duration)} is '{Duration}' but must be a positive time span such as '1.00:00:00'.");
        }

        if (SizeLimit <= 0)
        {
            errors.Add($"{SectionName}:{nameof(SizeLimit)} is '{SizeLimit}' but must be a positive number of bytes.");
        }

        if (MaximumBodySize <= 0 || MaximumBodySize > SizeLimit)
        {
            errors.Add($"{SectionName}:{nameof(MaximumBodySize)} is '{MaximumBodySize}' but must be positive and at most {nameof(SizeLimit)} ({SizeLimit}).");
        }

        return errors;
    }
}
