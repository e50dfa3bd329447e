using System.Net.Mail;
using ScaleApp.Api.Validation;

namespace ScaleApp.Api.Users;

/// <summary>Input rules of <c>POST /api/users</c>. Name and email are trimmed before they are checked and stored.</summary>
internal static class UserRules
{
    public const int NameMaxLength = 100;

    /// <summary>Maximum email length from RFC 5321 (a 256-octet path minus its angle brackets).</summary>
    public const int EmailMaxLength = 254;

    /// <summary>Validates <paramref name="request"/>; <paramref name="user"/> is set when the returned errors are empty.</summary>
    public static ValidationErrors Validate(CreateUserRequest request, out NewUser? user)
    {
        var errors = new ValidationErrors();
        var name = request.Name?.Trim();
        var email = request.Email?.Trim();

        if (string.IsNullOrEmpty(name))
        {
            errors.Add("name", "The name field is required and must contain at least one character that is not whitespace.");
        }
        else if (TextRules.CheckLengthAndEncoding(name, 1, NameMaxLength) is { } nameError)
        {
            errors.Add("name", nameError);
        }
        else if (TextRules.ContainsControlCharacter(name))
        {
            errors.Add("name", "Must not contain control characters such as line breaks or tabs.");
        }

        if (string.IsNullOrEmpty(email))
        {
            errors.Add("email", "The email field is required.");
        }
        else if (CheckEmail(email) is { } emailError)
        {
            errors.Add("email", emailError);
        }

        user = errors.IsEmpty ? new NewUser(name!, email!) : null;
        return errors;
    }

    // Accepts a bare address only: MailAddress must parse it, find no display name and give back the
    // same text, which rejects forms like "Ada <ada@example.com>" and "ada@example.com (Ada)".
    private static string? CheckEmail(string email)
    {
        if (TextRules.CheckLengthAndEncoding(email, 1, EmailMaxLength) is { } lengthError)
        {
            return lengthError;
        }

        if (TextRules.ContainsControlCharacter(email)
            || !MailAddress.TryCreate(email, out var address)
            || address.DisplayName.Length != 0
            || !string.Equals(address.Address, email, StringComparison.Ordinal))
        {
            return "Must be a single email address such as ada@example.com, without a display name.";
        }

        return null;
    }
}
