using ScaleApp.Api.Posts;

namespace ScaleApp.Tests.Unit.Api;

public class FeedQueryTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void AbsentLimitUsesDefault(string? limit)
    {
        var errors = FeedQuery.TryParse(limit, null, out var query);

        Assert.True(errors.IsEmpty);
        Assert.Equal(FeedQuery.DefaultLimit, query.Limit);
        Assert.Null(query.Before);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("100", 100)]
    [InlineData("007", 7)]
    public void LimitInRangeIsAccepted(string limit, int expected)
    {
        var errors = FeedQuery.TryParse(limit, null, out var query);

        Assert.True(errors.IsEmpty);
        Assert.Equal(expected, query.Limit);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData(" 5")]
    [InlineData("5 ")]
    [InlineData("1e2")]
    [InlineData("2.0")]
    [InlineData("abc")]
    [InlineData("99999999999999999999")]
    [InlineData("1,2")]
    [InlineData("\u0665")]
    public void InvalidLimitIsReportedUnderLimit(string limit)
    {
        var errors = FeedQuery.TryParse(limit, null, out _).ToDictionary();

        Assert.Equal(["limit"], errors.Keys);
        Assert.Contains(limit, errors["limit"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void LongInvalidLimitIsShortenedInMessage()
    {
        var limit = new string('9', 500);

        var message = FeedQuery.TryParse(limit, null, out _).ToDictionary()["limit"][0];

        Assert.True(message.Length < 200, $"message has {message.Length} characters");
    }

    [Fact]
    public void ValidCursorBecomesBefore()
    {
        var position = new FeedPosition(new DateTime(2026, 12, 4, 19, 0, 0, DateTimeKind.Utc), 17);

        var errors = FeedQuery.TryParse("5", FeedCursor.Encode(position), out var query);

        Assert.True(errors.IsEmpty);
        Assert.Equal(position, query.Before);
        Assert.Equal(5, query.Limit);
    }

    [Fact]
    public void InvalidCursorIsReportedUnderBefore()
    {
        var errors = FeedQuery.TryParse(null, "not-a-cursor", out _).ToDictionary();

        Assert.Equal(["before"], errors.Keys);
    }

    [Fact]
    public void BothInvalidAreReported()
    {
        var errors = FeedQuery.TryParse("0", "x", out _).ToDictionary();

        Assert.Contains("limit", errors.Keys);
        Assert.Contains("before", errors.Keys);
    }
}
