using System.Globalization;
using ScaleApp.Api.Validation;

namespace ScaleApp.Api.Posts;

/// <summary>The validated query of <c>GET /api/posts</c>: page size and the optional position to continue after.</summary>
internal readonly record struct FeedQuery(int Limit, FeedPosition? Before)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>
    /// Parses the raw <c>limit</c> and <c>before</c> query values. An absent or empty value takes the
    /// default; anything else must be valid, and each invalid value adds an error keyed by its name.
    /// </summary>
    public static ValidationErrors TryParse(string? limit, string? before, out FeedQuery query)
    {
        var errors = new ValidationErrors();
        var parsedLimit = DefaultLimit;
        FeedPosition? position = null;

        if (!string.IsNullOrEmpty(limit))
        {
            if (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out parsedLimit)
                || parsedLimit < 1
                || parsedLimit > MaxLimit)
            {
                errors.Add("limit", $"Must be a whole number from 1 to {MaxLimit}; got '{Shorten(limit)}'.");
            }
        }

        if (!string.IsNullOrEmpty(before))
        {
            if (FeedCursor.TryDecode(before, out var decoded))
            {
                position = decoded;
            }
            else
            {
                errors.Add("before", "Must be a nextCursor value returned by this API, unchanged.");
            }
        }

        query = new FeedQuery(parsedLimit, position);
        return errors;
    }

    // Echoing a whole multi-kilobyte query value back would only bloat the error.
    private static string Shorten(string value) => value.Length <= 32 ? value : string.Concat(value.AsSpan(0, 32), "...");
}
