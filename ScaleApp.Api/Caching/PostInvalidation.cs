using System.Globalization;
using StackExchange.Redis;

namespace ScaleApp.Api.Caching;

/// <summary>
/// Evicts a changed or deleted post from every API process: the writer removes the entry from its own
/// memory and from Redis, then publishes the post id and the primary's WAL position on a Redis channel.
/// Every process, on receipt, raises its feed version to that position (so its next reads skip a
/// replica that has not replayed the change) and removes the entry from its memory and from Redis.
/// </summary>
/// <remarks>
/// Redis pub/sub delivers at most once and only to connected subscribers. A process that misses a
/// message (Redis down, reconnecting) serves its in-memory copy until it expires, which
/// <see cref="CacheEntries.Entity"/> bounds to 10 seconds. Without Redis nothing is cached, so there
/// is nothing to evict and nothing is published. Only this process's feed version advances.
/// </remarks>
/// <param name="redis">The shared Redis connection, or null when there is no Redis.</param>
internal sealed class PostInvalidation(
    IConnectionMultiplexer? redis,
    CacheAside cache,
    FeedVersion feedVersion,
    TimeProvider timeProvider,
    ILogger<PostInvalidation> logger) : BackgroundService
{
    public static readonly RedisChannel Channel = RedisChannel.Literal(CachingRegistration.RedisKeyPrefix + "posts:invalidated");

    private static readonly TimeSpan SubscribeRetryDelay = TimeSpan.FromSeconds(2);

    // NOTE: a load that takes longer than this (a stuck replica) can still leave an old copy behind.
    private static readonly TimeSpan SecondEvictionDelay = TimeSpan.FromMilliseconds(500);

    private readonly Diagnostics.LogThrottle _warnings = new(timeProvider, TimeSpan.FromSeconds(30));

    /// <summary>
    /// Evicts post <paramref name="postId"/> here and announces the change to the other processes.
    /// Failures are logged, not thrown, because the change is already committed.
    /// </summary>
    public async Task PublishAsync(long postId, ulong walPosition)
    {
        feedVersion.Observe(walPosition);
        if (redis is null)
        {
            return;
        }

        await cache.TryRemoveAsync(CacheEntries.Post(postId), CancellationToken.None);

        try
        {
            await redis.GetSubscriber().PublishAsync(Channel, Format(postId, walPosition));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            if (_warnings.TryAcquire(out var suppressed))
            {
                logger.LogWarning(
                    exception,
                    "Could not announce the change of post {PostId} to other API processes; they serve their copy until it expires within {LocalLifetime} ({Suppressed} similar failures not logged)",
                    postId,
                    CacheEntries.Entity.LocalCacheExpiration,
                    suppressed);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (redis is null)
        {
            return;
        }

        // The client restores the subscription by itself after a reconnect; only the first one needs retries.
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await redis.GetSubscriber().SubscribeAsync(Channel, (channel, message) => { _ = HandleAsync(message); });
                logger.LogInformation("Subscribed to post invalidations on Redis channel {Channel}", Channel.ToString());
                return;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                if (_warnings.TryAcquire(out var suppressed))
                {
                    logger.LogWarning(
                        exception,
                        "Could not subscribe to Redis channel {Channel}; retrying every {RetryDelay} ({Suppressed} similar failures not logged)",
                        Channel.ToString(),
                        SubscribeRetryDelay,
                        suppressed);
                }

                await Task.Delay(SubscribeRetryDelay, timeProvider, stoppingToken);
            }
        }
    }

    private async Task HandleAsync(RedisValue message)
    {
        if (!TryParse(message.ToString(), out var postId, out var walPosition))
        {
            logger.LogWarning("Ignored a malformed post invalidation message {Message}; expected '<post id>:<16 hex digits>'", message.ToString());
            return;
        }

        feedVersion.Observe(walPosition);
        await EvictAsync(postId);
    }

    // A load of the post that started before the change, on a replica that had not replayed it, can
    // store the old row after the first removal. The second removal clears such a copy; loads that
    // start after the first removal already wait for the replica to replay the change.
    private async Task EvictAsync(long postId)
    {
        await cache.TryRemoveAsync(CacheEntries.Post(postId), CancellationToken.None);
        await Task.Delay(SecondEvictionDelay, timeProvider);
        await cache.TryRemoveAsync(CacheEntries.Post(postId), CancellationToken.None);
    }

    internal static string Format(long postId, ulong walPosition) =>
        string.Create(CultureInfo.InvariantCulture, $"{postId}:{FeedVersion.Format(walPosition)}");

    internal static bool TryParse(string text, out long postId, out ulong walPosition)
    {
        walPosition = 0;
        var separator = text.IndexOf(':', StringComparison.Ordinal);
        return long.TryParse(text.AsSpan(0, Math.Max(separator, 0)), NumberStyles.None, CultureInfo.InvariantCulture, out postId)
            && separator > 0
            && ulong.TryParse(text.AsSpan(separator + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out walPosition);
    }
}
