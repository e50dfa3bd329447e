using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A number of traces that a process may start and record per second, counted in one-second windows of the
/// process's clock. Samplers use it to keep trace volume flat under load while recording everything at low rates.
/// </summary>
public sealed class TraceBudget
{
    private readonly TimeProvider _timeProvider;
    private readonly long _timestampsPerSecond;
    private long _currentSecond = long.MinValue;
    private int _takenThisSecond;

    public TraceBudget(int perSecond, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(perSecond);
        PerSecond = perSecond;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _timestampsPerSecond = _timeProvider.TimestampFrequency;
    }

    public int PerSecond { get; }

    /// <summary>
    /// Reads a whole number of traces per second from <paramref name="setting"/>, or <paramref name="defaultPerSecond"/>
    /// when it is missing. An invalid value stops the start with a message naming the setting, the value and the fix.
    /// </summary>
    public static int ReadSetting(IConfiguration configuration, string setting, int defaultPerSecond)
    {
        var text = configuration[setting];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultPerSecond;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var perSecond))
        {
            throw new InvalidOperationException(
                $"{setting} is '{text}' but must be a whole number, 0 or more, such as {defaultPerSecond}; 0 records none of these traces.");
        }

        return perSecond;
    }

    /// <summary>Returns true and counts one trace when this second's budget is not spent yet.</summary>
    public bool TryTake()
    {
        if (PerSecond == 0)
        {
            return false;
        }

        var second = _timeProvider.GetTimestamp() / _timestampsPerSecond;
        var current = Volatile.Read(ref _currentSecond);
        if (second != current && Interlocked.CompareExchange(ref _currentSecond, second, current) == current)
        {
            // Only the caller that moves the window resets the count. Callers of the old second that count meanwhile
            // can let a few extra traces through in the new second, which is acceptable for a trace budget.
            Volatile.Write(ref _takenThisSecond, 0);
        }

        // The plain read keeps the shared counter's cache line unwritten once the budget is spent, which is most
        // calls under load.
        return Volatile.Read(ref _takenThisSecond) < PerSecond
            && Interlocked.Increment(ref _takenThisSecond) <= PerSecond;
    }
}
