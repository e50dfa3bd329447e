namespace ScaleApp.Api.Diagnostics;

/// <summary>
/// Lets one warning through per interval and counts the ones held back, so an outage of Redis or
/// RabbitMQ produces one log line every interval instead of one per request or poll.
/// </summary>
internal sealed class LogThrottle(TimeProvider timeProvider, TimeSpan interval)
{
    private readonly Lock _lock = new();
    private long _lastLoggedTimestamp;
    private bool _loggedOnce;
    private int _suppressed;

    /// <summary>
    /// Returns true when the caller should log now; <paramref name="suppressed"/> is the number of
    /// calls that returned false since the previous true.
    /// </summary>
    public bool TryAcquire(out int suppressed)
    {
        lock (_lock)
        {
            var now = timeProvider.GetTimestamp();
            if (_loggedOnce && timeProvider.GetElapsedTime(_lastLoggedTimestamp, now) < interval)
            {
                _suppressed++;
                suppressed = 0;
                return false;
            }

            suppressed = _suppressed;
            _suppressed = 0;
            _lastLoggedTimestamp = now;
            _loggedOnce = true;
            return true;
        }
    }

    /// <summary>Starts a new interval, so the next failure after a recovery is logged at once.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _loggedOnce = false;
            _suppressed = 0;
        }
    }
}
