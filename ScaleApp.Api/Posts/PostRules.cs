using ScaleApp.Api.Validation;

namespace ScaleApp.Api.Posts;

/// <summary>Input rules of <c>POST /api/posts</c> and <c>PUT /api/posts/{id}</c>. The title and body are stored exactly as sent.</summary>
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

        ValidateContent(errors, request.Title, request.Body);
        return errors;
    }

    public static ValidationErrors Validate(UpdatePostRequest request)
    {
        var errors = new ValidationErrors();
        ValidateContent(errors, request.Title, request.Body);
        return errors;
    }

    private static void ValidateContent(ValidationErrors errors, string? title, string? body)
    {
        if (title is null)
        {
            errors.Add("title", "The title field is required.");
        }
        else if (string.IsNullOrWhiteSpace(title))
        {
            errors.Add("title", "Must contain at least one character that is not whitespace.");
        }
        else if (TextRules.CheckLengthAndEncoding(title, 1, TitleMaxLength) is { } titleError)
        {
            errors.Add("title", titleError);
        }

        if (body is null)
        {
            errors.Add("body", "The body field is required; send an empty string for a post without a body.");
        }
        else if (TextRules.CheckLengthAndEncoding(body, 0, BodyMaxLength) is { } bodyError)
        {
            errors.Add("body", bodyError);
        }
    }
}
