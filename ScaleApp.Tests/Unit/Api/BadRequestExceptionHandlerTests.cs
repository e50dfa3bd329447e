using ScaleApp.Api.Http;

namespace ScaleApp.Tests.Unit.Api;

public class BadRequestExceptionHandlerTests
{
    [Theory]
    [InlineData("$.authorId", "authorId")]
    [InlineData("$.AuthorId", "authorId")]
    [InlineData("$.title", "title")]
    [InlineData("$.tags[0]", "tags")]
    [InlineData("$.author.id", "author")]
    [InlineData("$['body']", "body")]
    [InlineData("$['odd.name']", "odd.name")]
    [InlineData("$", BadRequestExceptionHandler.BodyErrorKey)]
    [InlineData("", BadRequestExceptionHandler.BodyErrorKey)]
    [InlineData(null, BadRequestExceptionHandler.BodyErrorKey)]
    [InlineData("$[0]", BadRequestExceptionHandler.BodyErrorKey)]
    [InlineData("$['']", BadRequestExceptionHandler.BodyErrorKey)]
    public void FieldNameComesFromJsonPath(string? path, string expected)
    {
        Assert.Equal(expected, BadRequestExceptionHandler.FieldName(path));
    }
}
