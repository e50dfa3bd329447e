using System.Text;
using ScaleApp.Worker.Messaging;

namespace ScaleApp.Tests.Unit.Worker;

public class UserRegisteredTests
{
    private const string ValidBody =
        """{"eventId":"0b6f6a3e-5f1c-4c39-9d7e-2a8f3c1d4e5f","userId":123,"name":"Ada","email":"ada@example.com","occurredAt":"2026-12-04T19:00:00Z"}""";

    private static bool TryParse(string body, out UserRegistered? message, out string? error) =>
        UserRegistered.TryParse(Encoding.UTF8.GetBytes(body), out message, out error);

    [Fact]
    public void TryParseReadsValidMessage()
    {
        Assert.True(TryParse(ValidBody, out var message, out var error));

        Assert.Null(error);
        Assert.NotNull(message);
        Assert.Equal(Guid.Parse("0b6f6a3e-5f1c-4c39-9d7e-2a8f3c1d4e5f"), message.EventId);
        Assert.Equal(123, message.UserId);
        Assert.Equal("Ada", message.Name);
        Assert.Equal("ada@example.com", message.Email);
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 19, 0, 0, TimeSpan.Zero), message.OccurredAt);
    }

    [Fact]
    public void TryParseIgnoresUnknownFields()
    {
        var body = ValidBody.Replace("\"userId\"", "\"extra\":true,\"userId\"", StringComparison.Ordinal);

        Assert.True(TryParse(body, out _, out var error), error);
    }

    [Theory]
    [InlineData("not json", "not a valid user.registered JSON object")]
    [InlineData("[1,2]", "not a valid user.registered JSON object")]
    [InlineData("null", "JSON literal null")]
    [InlineData("""{"eventId":"nope","userId":1,"name":"Ada","email":"ada@example.com","occurredAt":"2026-12-04T19:00:00Z"}""", "not a valid user.registered JSON object")]
    [InlineData("""{"userId":1,"name":"Ada","email":"ada@example.com","occurredAt":"2026-12-04T19:00:00Z"}""", "eventId is missing")]
    [InlineData("""{"eventId":"00000000-0000-0000-0000-000000000000","userId":1,"name":"Ada","email":"ada@example.com","occurredAt":"2026-12-04T19:00:00Z"}""", "eventId is missing or empty")]
    [InlineData("""{"eventId":"0b6f6a3e-5f1c-4c39-9d7e-2a8f3c1d4e5f","name":"Ada","email":"ada@example.com","occurredAt":"2026-12-04T19:00:00Z"}""", "userId is missing")]
    [InlineData("""{"eventId":"0b6f6a3e-5f1c-4c39-9d7e-2a8f3c1d4e5f","userId":0,"name":"Ada","email":"ada@example.com","occurredAt":"2026-12-04T19:00:00Z"}""", "userId 0 is not positive")]
    [InlineData("""{"eventId":"0b6f6a3e-5f1c-4c39-9d7e-2a8f3c1d4e5f","userId":1,"email":"ada@example.com","occurredAt":"2026-12-04T19:00:00Z"}""", "name is missing")]
    [InlineData("""{"eventId":"0b6f6a3e-5f1c-4c39-9d7e-2a8f3c1d4e5f","userId":1,"name":"  ","email":"ada@example.com","occurredAt":"2026-12-04T19:00:00Z"}""", "name is missing or blank")]
    [InlineData("""{"eventId":"0b6f6a3e-5f1c-4c39-9d7e-2a8f3c1d4e5f","userId":1,"name":"Ada","email":null,"occurredAt":"2026-12-04T19:00:00Z"}""", "email is missing")]
    [InlineData("""{"eventId":"0b6f6a3e-5f1c-4c39-9d7e-2a8f3c1d4e5f","userId":1,"name":"Ada","email":"ada@example.com"}""", "occurredAt is missing")]
    public void TryParseRejectsInvalidBody(string body, string expectedError)
    {
        Assert.False(TryParse(body, out var message, out var error));

        Assert.Null(message);
        Assert.NotNull(error);
        Assert.Contains(expectedError, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseNamesEveryMissingField()
    {
        Assert.False(TryParse("{}", out _, out var error));

        Assert.NotNull(error);
        Assert.Contains("eventId", error, StringComparison.Ordinal);
        Assert.Contains("userId", error, StringComparison.Ordinal);
        Assert.Contains("name", error, StringComparison.Ordinal);
        Assert.Contains("email", error, StringComparison.Ordinal);
        Assert.Contains("occurredAt", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("ada@")]
    [InlineData("@example.com")]
    [InlineData("ada@@example.com")]
    [InlineData("ada@b@example.com")]
    [InlineData("ada lovelace@example.com")]
    [InlineData("Ada <ada@example.com>")]
    [InlineData("ada@example.com\r\nBcc: eve@example.com")]
    public void TryParseRejectsInvalidEmail(string email)
    {
        var body = ValidBody.Replace("ada@example.com", System.Text.Json.JsonEncodedText.Encode(email).ToString(), StringComparison.Ordinal);

        Assert.False(TryParse(body, out _, out var error));

        Assert.NotNull(error);
        Assert.Contains("is not a valid address", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ada@example.com")]
    [InlineData("ada.lovelace+welcome@mail.example.co.uk")]
    [InlineData("ADA@EXAMPLE.COM")]
    public void IsValidEmailAddressAcceptsPlainAddresses(string email)
    {
        Assert.True(UserRegistered.IsValidEmailAddress(email));
    }

    [Fact]
    public void IsValidEmailAddressRejectsOverlongAddress()
    {
        var email = new string('a', UserRegistered.MaxEmailLength) + "@example.com";

        Assert.False(UserRegistered.IsValidEmailAddress(email));
    }
}
