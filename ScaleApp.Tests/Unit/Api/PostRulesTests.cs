using ScaleApp.Api.Posts;

namespace ScaleApp.Tests.Unit.Api;

public class PostRulesTests
{
    private const string Emoji = "\U0001F600";

    private static Dictionary<string, string[]> Validate(long? authorId = 1, string? title = "Title", string? body = "Body") =>
        PostRules.Validate(new CreatePostRequest(authorId, title, body)).ToDictionary();

    [Fact]
    public void ValidPostHasNoErrors()
    {
        Assert.Empty(Validate());
    }

    [Fact]
    public void MissingFieldsAreEachReported()
    {
        var errors = Validate(authorId: null, title: null, body: null);

        Assert.Equal(["authorId", "title", "body"], errors.Keys);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    public void NonPositiveAuthorIdIsRejected(long authorId)
    {
        Assert.Equal(["authorId"], Validate(authorId: authorId).Keys);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\r\n")]
    [InlineData("\u00a0\u2003")]
    public void BlankTitleIsRejected(string title)
    {
        Assert.Equal(["title"], Validate(title: title).Keys);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(200)]
    public void TitleAtLengthLimitsIsAccepted(int length)
    {
        Assert.Empty(Validate(title: new string('t', length)));
    }

    [Fact]
    public void TitleOverLimitIsRejected()
    {
        var errors = Validate(title: new string('t', 201));

        Assert.Equal(["title"], errors.Keys);
        Assert.Contains("201", errors["title"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void TitleLengthCountsWhitespaceBecauseItIsStored()
    {
        Assert.Empty(Validate(title: "  " + new string('t', 198)));
        Assert.Equal(["title"], Validate(title: "  " + new string('t', 199)).Keys);
    }

    [Fact]
    public void TitleLengthCountsEmojiOnce()
    {
        Assert.Empty(Validate(title: string.Concat(Enumerable.Repeat(Emoji, 200))));
        Assert.Equal(["title"], Validate(title: string.Concat(Enumerable.Repeat(Emoji, 201))).Keys);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("\"quoted\" & 'single'")]
    [InlineData("\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627")]
    [InlineData("  padded  ")]
    public void UnusualButValidTitleIsAccepted(string title)
    {
        Assert.Empty(Validate(title: title));
    }

    [Fact]
    public void NulCharacterIsRejectedInTitleAndBody()
    {
        Assert.Equal(["title", "body"], Validate(title: "a\0b", body: "\0").Keys);
    }

    [Fact]
    public void UnpairedSurrogateIsRejected()
    {
        Assert.Equal(["title"], Validate(title: "a\ud800b").Keys);
        Assert.Equal(["body"], Validate(body: "\udc00").Keys);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_000)]
    public void BodyAtLengthLimitsIsAccepted(int length)
    {
        Assert.Empty(Validate(body: new string('b', length)));
    }

    [Fact]
    public void BodyOverLimitIsRejected()
    {
        Assert.Equal(["body"], Validate(body: new string('b', 10_001)).Keys);
    }

    [Fact]
    public void WhitespaceOnlyBodyIsAccepted()
    {
        Assert.Empty(Validate(body: " \n\t "));
    }
}
