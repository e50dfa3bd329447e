using MimeKit;
using ScaleApp.Worker.Messaging;
using ScaleApp.Worker.WelcomeEmail;

namespace ScaleApp.Tests.Unit.Worker;

public class WelcomeEmailComposerTests
{
    private static readonly Guid EventId = Guid.Parse("0b6f6a3e-5f1c-4c39-9d7e-2a8f3c1d4e5f");

    private static UserRegistered Registration(string name) =>
        new(EventId, 123, name, "ada@example.com", new DateTimeOffset(2026, 12, 4, 19, 0, 0, TimeSpan.Zero));

    /// <summary>Writes the message to MIME text and parses it back, as a mail client would see it.</summary>
    private static MimeMessage RoundTrip(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        stream.Position = 0;
        return MimeMessage.Load(stream);
    }

    [Fact]
    public void ComposeSetsSenderRecipientAndSubject()
    {
        var message = RoundTrip(WelcomeEmailComposer.Compose(Registration("Ada")));

        var from = Assert.Single(message.From.Mailboxes);
        Assert.Equal("ScaleApp", from.Name);
        Assert.Equal("welcome@scaleapp.local", from.Address);

        var to = Assert.Single(message.To.Mailboxes);
        Assert.Equal("Ada", to.Name);
        Assert.Equal("ada@example.com", to.Address);

        Assert.Equal("Welcome to ScaleApp, Ada", message.Subject);
    }

    [Fact]
    public void ComposeAddsEventIdHeader()
    {
        var message = RoundTrip(WelcomeEmailComposer.Compose(Registration("Ada")));

        Assert.Equal(EventId.ToString(), message.Headers["X-ScaleApp-Event-Id"]);
    }

    [Fact]
    public void ComposeHasTextAndHtmlParts()
    {
        var message = RoundTrip(WelcomeEmailComposer.Compose(Registration("Ada")));

        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(2, alternative.Count);
        Assert.Contains(alternative, part => part.ContentType.IsMimeType("text", "plain"));
        Assert.Contains(alternative, part => part.ContentType.IsMimeType("text", "html"));
        Assert.Contains("Hello Ada,", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("<p>Hello Ada,</p>", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void ComposeEscapesNameInHtmlPart()
    {
        const string name = "<script>alert('x')</script> & \"Co\"";

        var message = RoundTrip(WelcomeEmailComposer.Compose(Registration(name)));

        Assert.DoesNotContain("<script>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&amp;", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains($"Hello {name},", message.TextBody, StringComparison.Ordinal);
        Assert.Equal($"Welcome to ScaleApp, {name}", message.Subject);
    }

    [Fact]
    public void ComposeBlocksHeaderInjection()
    {
        var message = RoundTrip(WelcomeEmailComposer.Compose(Registration("Ada\r\nBcc: eve@example.com")));

        Assert.Empty(message.Bcc);
        Assert.False(message.Headers.Contains(HeaderId.Bcc));
        Assert.Single(message.To.Mailboxes);
    }

    [Fact]
    public void ComposeKeepsNonAsciiName()
    {
        var message = RoundTrip(WelcomeEmailComposer.Compose(Registration("Zoë Ångström")));

        Assert.Equal("Welcome to ScaleApp, Zoë Ångström", message.Subject);
        Assert.Equal("Zoë Ångström", Assert.Single(message.To.Mailboxes).Name);
        Assert.Contains("Hello Zoë Ångström,", message.TextBody, StringComparison.Ordinal);
    }
}
