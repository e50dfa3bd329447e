using System.Text;

namespace ScaleApp.Api.Validation;

/// <summary>
/// Checks shared by the text fields of requests. Lengths count Unicode code points, as PostgreSQL's
/// <c>char_length</c> does, so an emoji outside the Basic Multilingual Plane counts as one character.
/// </summary>
internal static class TextRules
{
    /// <summary>
    /// Returns the number of code points in <paramref name="text"/>, or null when it contains an
    /// unpaired UTF-16 surrogate, which PostgreSQL cannot store as UTF-8.
    /// </summary>
    public static int? CountCodePoints(string text)
    {
        var count = 0;
        var remaining = text.AsSpan();
        while (!remaining.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(remaining, out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return null;
            }

            remaining = remaining[consumed..];
            count++;
        }

        return count;
    }

    /// <summary>Returns true when <paramref name="text"/> contains U+0000, which PostgreSQL text columns reject.</summary>
    public static bool ContainsNul(string text) => text.Contains('\0', StringComparison.Ordinal);

    /// <summary>Returns true when <paramref name="text"/> contains a C0 or C1 control character.</summary>
    public static bool ContainsControlCharacter(string text)
    {
        foreach (var character in text)
        {
            if (char.IsControl(character))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Checks that <paramref name="text"/> is storable and has between <paramref name="minLength"/> and
    /// <paramref name="maxLength"/> code points, and returns an error message, or null when it is valid.
    /// </summary>
    public static string? CheckLengthAndEncoding(string text, int minLength, int maxLength)
    {
        if (ContainsNul(text))
        {
            return "Must not contain the NUL character (U+0000).";
        }

        var length = CountCodePoints(text);
        if (length is null)
        {
            return "Must be valid Unicode text; it contains an unpaired UTF-16 surrogate.";
        }

        if (length < minLength || length > maxLength)
        {
            return minLength == 0
                ? $"Must be at most {maxLength} characters long; it has {length}."
                : $"Must be between {minLength} and {maxLength} characters long; it has {length}.";
        }

        return null;
    }
}
