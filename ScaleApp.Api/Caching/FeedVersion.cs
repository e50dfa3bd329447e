using System.Globalization;
using ScaleApp.Api.Diagnostics;
using StackExchange.Redis;

namespace ScaleApp.Api.Caching;

/// <summary>
/// Version of the feed shared by every API process: the primary's WAL position after the newest post
/// that any process wrote. Feed cache keys contain it, so a write switches every process to fresh keys.
/// </summary>
/// <remarks>
/// Key-based invalidation through the version works across processes where HybridCache tags do not:
/// HybridCache 11.0 reads a tag's invalidation time from Redis once per process and keeps it, so
/// <c>RemoveByTagAsync</c> in one process is not seen by a process that already read that tag.
/// Versioned keys also rule out two races of delete-then-refill: a process that loads a page from a
/// lagging replica, or from before a concurrent write, stores it under an old key that no reader uses.
/// The writing process advances its own copy at once (read-your-writes); other processes read the
/// shared copy from Redis at most once per <see cref="RefreshInterval"/>.
/// Without Redis the version is this process's own. Nothing is cached then, so the version only decides
/// when a read must skip a lagging replica. Other processes' writes reach it through the client's
/// <see cref="Posts.ReadYourWrites"/> cookie.
/// </remarks>
/// <param name="redis">The shared Redis connection, or null when there is no Redis.</param>
internal sealed class FeedVersion(IConnectionMultiplexer? redis, TimeProvider timeProvider, ILogger<FeedVersion> logger)
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private const string RedisKey = CachingRegistration.RedisKeyPrefix + "feed:version";

    // Matches the feed entries' Redis lifetime. After a minute without posts a new process may find no
    // version. It then reads the replica without a position check, which is safe because the replica
    // has long replayed those writes.
    private static readonly TimeSpan RedisExpiry = CacheEntries.Feed.Expiration!.Value;

    // Keeps the larger of the stored and the new version. Versions are fixed-width hex, so string
    // comparison is numeric comparison; it avoids Lua's double-precision numbers.
    private static readonly LuaScript AdvanceScript = LuaScript.Prepare(
        """
        local current = redis.call('GET', @key)
        if not current or current < @version then
          redis.call('SET', @key, @version, 'PX', @expiryMilliseconds)
        end
        return 1
        """);

    private readonly LogThrottle _warnings = new(timeProvider, TimeSpan.FromSeconds(30));
    private long _version;
    private long _lastRefreshTimestamp;
    private int _refreshing;
    private readonly Lock _firstRefreshLock = new();
    private Task? _firstRefresh;
    private volatile bool _refreshedOnce;

    /// <summary>
    /// Returns this process's newest version. When the last read of the shared version is older
    /// than <see cref="RefreshInterval"/>, starts a new read; only a process's first read is awaited, so
    /// a slow Redis delays the first requests of a process, not one request per interval.
    /// </summary>
    public async ValueTask<ulong> GetAsync()
    {
        if (redis is null)
        {
            return Current;
        }

        if (!_refreshedOnce)
        {
            // Every early caller waits for the same first read, so a new process starts from the shared version.
            Task firstRefresh;
            lock (_firstRefreshLock)
            {
                firstRefresh = _firstRefresh ??= RefreshAsync(redis);
            }

            await firstRefresh;
            return Current;
        }

        // One caller starts each later refresh and does not wait for it; everyone uses the local copy meanwhile.
        if (timeProvider.GetElapsedTime(Volatile.Read(ref _lastRefreshTimestamp)) >= RefreshInterval
            && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            _ = RefreshAsync(redis);
        }

        return Current;
    }

    /// <summary>
    /// Raises the version to <paramref name="walPosition"/> in this process and in Redis. A Redis failure
    /// is logged, not thrown: while Redis is down other processes have no shared entries to read and
    /// see the post once their 2-second local entries expire, and the next refresh after Redis returns
    /// publishes the version.
    /// </summary>
    public async Task AdvanceAsync(ulong walPosition)
    {
        AdvanceLocal(walPosition);
        if (redis is null)
        {
            return;
        }

        try
        {
            await PublishAsync(redis, walPosition);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            if (_warnings.TryAcquire(out var suppressed))
            {
                logger.LogWarning(
                    exception,
                    "Could not publish feed version {FeedVersion} to Redis key {RedisKey}; other API processes see the new post within the local cache lifetime ({Suppressed} similar failures not logged)",
                    Format(walPosition),
                    RedisKey,
                    suppressed);
            }
        }
    }

    /// <summary>
    /// Reads the shared version from Redis now and returns this process's version afterwards. For a
    /// request whose client has written at a newer position than this process has seen.
    /// </summary>
    public async ValueTask<ulong> RefreshNowAsync()
    {
        if (redis is not null)
        {
            await RefreshAsync(redis);
        }

        return Current;
    }

    /// <summary>
    /// Raises this process's version to a position another process announced, so this process's next
    /// reads use new feed keys and wait for the replica to replay that far.
    /// </summary>
    public void Observe(ulong walPosition) => AdvanceLocal(walPosition);

    private async Task RefreshAsync(IConnectionMultiplexer connection)
    {
        try
        {
            var stored = await connection.GetDatabase().StringGetAsync(RedisKey);
            var shared = stored.HasValue && TryParse(stored.ToString(), out var parsed) ? parsed : 0;
            AdvanceLocal(shared);

            // A post written here while Redis was unreachable has not raised the shared version yet.
            // Publish it now, because other processes could otherwise keep reading entries cached before that post.
            if (shared < Current)
            {
                await PublishAsync(connection, Current);
            }

            _warnings.Reset();
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            if (_warnings.TryAcquire(out var suppressed))
            {
                logger.LogWarning(
                    exception,
                    "Could not read or update the shared feed version in Redis key {RedisKey}; using this process's version {FeedVersion} ({Suppressed} similar failures not logged)",
                    RedisKey,
                    Format(Current),
                    suppressed);
            }
        }
        finally
        {
            _refreshedOnce = true;
            Volatile.Write(ref _lastRefreshTimestamp, timeProvider.GetTimestamp());
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private static async Task PublishAsync(IConnectionMultiplexer connection, ulong version) =>
        await connection.GetDatabase().ScriptEvaluateAsync(
            AdvanceScript,
            new
            {
                key = (RedisKey)RedisKey,
                version = Format(version),
                expiryMilliseconds = (long)RedisExpiry.TotalMilliseconds,
            });

    /// <summary>Formats a version as the 16-digit upper-case hex text used in Redis and in cache keys.</summary>
    public static string Format(ulong version) => version.ToString("X16", CultureInfo.InvariantCulture);

    private ulong Current => unchecked((ulong)Volatile.Read(ref _version));

    private void AdvanceLocal(ulong version)
    {
        var current = Volatile.Read(ref _version);
        while (unchecked((ulong)current) < version)
        {
            var observed = Interlocked.CompareExchange(ref _version, unchecked((long)version), current);
            if (observed == current)
            {
                return;
            }

            current = observed;
        }
    }

    private static bool TryParse(string text, out ulong version) =>
        ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out version);
}
