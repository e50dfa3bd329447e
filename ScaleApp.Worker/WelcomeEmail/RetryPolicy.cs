namespace ScaleApp.Worker.WelcomeEmail;

/// <summary>What happens to a message after a failed attempt: another attempt after a delay, or the dead-letter queue.</summary>
internal readonly record struct RetryDecision(bool DeadLetter, TimeSpan Delay, int NextAttempt);

internal static class RetryPolicy
{
    /// <summary>
    /// Decides the next step after attempt <paramref name="failedAttempt"/> (1-based) failed. Attempt
    /// n+1 waits <c>delays[n-1]</c>, or the last delay when the list is shorter.
    /// </summary>
    public static RetryDecision Decide(int failedAttempt, int maxAttempts, IReadOnlyList<TimeSpan> delays)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempt, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfZero(delays.Count);

        if (failedAttempt >= maxAttempts)
        {
            return new RetryDecision(DeadLetter: true, TimeSpan.Zero, failedAttempt);
        }

        var delay = delays[Math.Min(failedAttempt, delays.Count) - 1];
        return new RetryDecision(DeadLetter: false, delay, failedAttempt + 1);
    }
}
