using System.Globalization;
using ScaleApp.Api.Caching;

namespace ScaleApp.Api.Posts;

/// <summary>
/// The client's part of read-your-writes: every post write returns a cookie that contains the
/// primary's WAL position after the write, and reads that carry it are served from data at least that
/// new, whichever API replica they reach (see <see cref="PostService"/>).
/// </summary>
/// <remarks>
/// The position is not signed. A client that sends a made-up position only makes its own reads skip
/// the cache until the cookie expires, which costs the database what uncached reads cost.
/// </remarks>
internal static class ReadYourWrites
{
    public const string CookieName = "scaleapp-wal";

    // After the feed entries' Redis lifetime every process has long seen the write through the shared version.
    private static readonly TimeSpan CookieLifetime = CacheEntries.Feed.Expiration!.Value;

    public static void Remember(HttpResponse response, ulong walPosition)
    {
        if (walPosition == 0)
        {
            return;
        }

        response.Cookies.Append(CookieName, FeedVersion.Format(walPosition), new CookieOptions
        {
            Path = "/api",
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            MaxAge = CookieLifetime,
            IsEssential = true,
        });
    }

    /// <summary>Returns the position in the request's cookie, or 0 when there is none or it is malformed.</summary>
    public static ulong Read(HttpRequest request) =>
        request.Cookies.TryGetValue(CookieName, out var text)
        && text is { Length: 16 }
        && ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var position)
            ? position
            : 0;
}
