using ScaleApp.Api.Validation;

namespace ScaleApp.Api.Posts;

/// <summary>Input rules of <c>POST /api/posts</c>. The title and body are stored exactly as sent.</summary>
internal static class PostRules
{
    public const int TitleMaxLength = 200;
    public const int BodyMaxLength = 10_000;

    public static ValidationErrors Validate(CreatePostRequest request)
    {
        var errors = new ValidationErrors();

        if (request.AuthorId is null)
        {
            errors.Add("authorId", "The authorId field is required.");
        }
        else if (request.AuthorId <= 0)
        {
            errors.Add("authorId", $"Must be a positive user id; got {request.AuthorId}.");
        }

        if (request.Title is null)
        {
            errors.Add("title", "The title field is required.");
        }
        else if (string.IsNullOrWhiteSpace(request.Title))
        {
            errors.Add("title", "Must contain at least one character that is not whitespace.");
        }
        else if (TextRules.CheckLengthAndEncoding(request.Title, 1, TitleMaxLength) is { } titleError)
        {
            errors.Add("title", titleError);
        }

        if (request.Body is null)
        {
            errors.Add("body", "The body field is required; send an empty string for a post without a body.");
        }
        else if (TextRules.CheckLengthAndEncoding(request.Body, 0, BodyMaxLength) is { } bodyError)
        {
            errors.Add("body", bodyError);
        }

        return errors;
    }
}
