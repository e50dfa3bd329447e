using ScaleApp.Api.Caching;

namespace ScaleApp.Tests.Unit.Api;

public sealed class PostInvalidationMessageTests
{
    [Fact]
    public void MessageRoundTrips()
    {
        var text = PostInvalidation.Format(42, 0x0000_0001_2345_ABCD);

        Assert.Equal("42:000000012345ABCD", text);
        Assert.True(PostInvalidation.TryParse(text, out var postId, out var walPosition));
        Assert.Equal(42, postId);
        Assert.Equal(0x0000_0001_2345_ABCDUL, walPosition);
    }

    [Theory]
    [InlineData("")]
    [InlineData(":0000000000000001")]
    [InlineData("42")]
    [InlineData("42:")]
    [InlineData("-1:0000000000000001")]
    [InlineData("x:0000000000000001")]
    [InlineData("42:not-hex")]
    public void MalformedMessageIsRejected(string text)
    {
        Assert.False(PostInvalidation.TryParse(text, out _, out _));
    }
}
