using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using MimeKit;

namespace ScaleApp.Worker.Messaging;

/// <summary>The <c>user.registered</c> event, published once per new user.</summary>
internal sealed record UserRegistered(Guid EventId, long UserId, string Name, string Email, DateTimeOffset OccurredAt)
{
    /// <summary>Upper bound of an email address in characters (the SMTP path limit of RFC 5321).</summary>
    internal const int MaxEmailLength = 254;

    // Web defaults: camelCase property names, read case-insensitively.
    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Deserializes and validates a message body. On failure <paramref name="error"/> names every
    /// missing or invalid field, so the message can be rejected with a useful log line.
    /// </summary>
    internal static bool TryParse(
        ReadOnlySpan<byte> body,
        [NotNullWhen(true)] out UserRegistered? message,
        [NotNullWhen(false)] out string? error)
    {
        message = null;

        UserRegisteredJson? json;
        try
        {
            json = JsonSerializer.Deserialize<UserRegisteredJson>(body, SerializerOptions);
        }
        catch (JsonException ex)
        {
            error = $"The body is not a valid user.registered JSON object: {ex.Message}";
            return false;
        }

        if (json is null)
        {
            error = "The body is the JSON literal null; expected a user.registered object.";
            return false;
        }

        var problems = new List<string>();

        if (json.EventId is null || json.EventId == Guid.Empty)
        {
            problems.Add("eventId is missing or empty");
        }

        if (json.UserId is null)
        {
            problems.Add("userId is missing");
        }
        else if (json.UserId <= 0)
        {
            problems.Add($"userId {json.UserId} is not positive");
        }

        if (string.IsNullOrWhiteSpace(json.Name))
        {
            problems.Add("name is missing or blank");
        }

        if (string.IsNullOrWhiteSpace(json.Email))
        {
            problems.Add("email is missing or blank");
        }
        else if (!IsValidEmailAddress(json.Email))
        {
            problems.Add($"email '{json.Email}' is not a valid address");
        }

        if (json.OccurredAt is null)
        {
            problems.Add("occurredAt is missing");
        }

        if (problems.Count > 0)
        {
            error = "Invalid user.registered message: " + string.Join("; ", problems) + ".";
            return false;
        }

        message = new UserRegistered(json.EventId!.Value, json.UserId!.Value, json.Name!, json.Email!, json.OccurredAt!.Value);
        error = null;
        return true;
    }

    /// <summary>
    /// Accepts a bare address (<c>local@domain</c>) that MimeKit can parse back to the same text,
    /// so the address that was validated is the one the email is sent to.
    /// </summary>
    internal static bool IsValidEmailAddress(string value)
    {
        if (value.Length > MaxEmailLength || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return false;
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != value.LastIndexOf('@') || at == value.Length - 1)
        {
            return false;
        }

        return MailboxAddress.TryParse(value, out var mailbox)
            && string.IsNullOrEmpty(mailbox.Name)
            && string.Equals(mailbox.Address, value, StringComparison.Ordinal);
    }

    /// <summary>Wire shape with every field optional, so missing fields are reported by name instead of by a serializer exception.</summary>
    private sealed class UserRegisteredJson
    {
        public Guid? EventId { get; set; }
        public long? UserId { get; set; }
        public string? Name { get; set; }
        public string? Email { get; set; }
        public DateTimeOffset? OccurredAt { get; set; }
    }
}
