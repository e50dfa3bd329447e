using System.Text;
using ScaleApp.Worker.Messaging;
using ScaleApp.Worker.WelcomeEmail;

namespace ScaleApp.Tests.Unit.Worker;

public sealed class RetryPolicyTests
{
    private static readonly TimeSpan[] Delays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    [Theory]
    [InlineData(1, 2, 1)]
    [InlineData(2, 3, 5)]
    [InlineData(3, 4, 30)]
    [InlineData(4, 5, 30)]
    public void DecideSchedulesNextAttempt(int failedAttempt, int expectedNextAttempt, int expectedDelaySeconds)
    {
        var decision = RetryPolicy.Decide(failedAttempt, maxAttempts: 5, Delays);

        Assert.False(decision.DeadLetter);
        Assert.Equal(expectedNextAttempt, decision.NextAttempt);
        Assert.Equal(TimeSpan.FromSeconds(expectedDelaySeconds), decision.Delay);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(9)]
    public void DecideDeadLettersAfterLastAttempt(int failedAttempt)
    {
        var decision = RetryPolicy.Decide(failedAttempt, maxAttempts: 5, Delays);

        Assert.True(decision.DeadLetter);
    }

    [Fact]
    public void DecideWithOneAttemptDeadLettersAtOnce()
    {
        Assert.True(RetryPolicy.Decide(1, maxAttempts: 1, Delays).DeadLetter);
    }

    [Fact]
    public void ReadAttemptDefaultsToOne()
    {
        Assert.Equal(1, MessagingTopology.ReadAttempt(null));
        Assert.Equal(1, MessagingTopology.ReadAttempt(new Dictionary<string, object?>()));
        Assert.Equal(1, MessagingTopology.ReadAttempt(new Dictionary<string, object?> { ["x-attempt"] = 0 }));
        Assert.Equal(1, MessagingTopology.ReadAttempt(new Dictionary<string, object?> { ["x-attempt"] = "-3" }));
    }

    [Fact]
    public void ReadAttemptAcceptsWireTypes()
    {
        Assert.Equal(3, MessagingTopology.ReadAttempt(new Dictionary<string, object?> { ["x-attempt"] = 3 }));
        Assert.Equal(4, MessagingTopology.ReadAttempt(new Dictionary<string, object?> { ["x-attempt"] = 4L }));
        Assert.Equal(5, MessagingTopology.ReadAttempt(new Dictionary<string, object?> { ["x-attempt"] = Encoding.UTF8.GetBytes("5") }));
    }

    [Fact]
    public void RetryQueueNameContainsDelay()
    {
        Assert.Equal("welcome-email.retry.1500ms", MessagingTopology.RetryQueueName(TimeSpan.FromMilliseconds(1500)));
    }
}
