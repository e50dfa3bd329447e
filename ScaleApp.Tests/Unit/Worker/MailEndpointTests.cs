using ScaleApp.Worker.WelcomeEmail;

namespace ScaleApp.Tests.Unit.Worker;

public class MailEndpointTests
{
    [Fact]
    public void ParseReadsHostAndPort()
    {
        var endpoint = MailEndpoint.Parse("Endpoint=smtp://127.0.0.1:2525");

        Assert.Equal("127.0.0.1", endpoint.Host);
        Assert.Equal(2525, endpoint.Port);
    }

    [Fact]
    public void ParseDefaultsToPort25()
    {
        var endpoint = MailEndpoint.Parse("Endpoint=smtp://mail.scaleapp.local");

        Assert.Equal("mail.scaleapp.local", endpoint.Host);
        Assert.Equal(25, endpoint.Port);
    }

    [Fact]
    public void ParseAcceptsKeyInAnyCase()
    {
        var endpoint = MailEndpoint.Parse("endpoint=SMTP://localhost:1025/");

        Assert.Equal("localhost", endpoint.Host);
        Assert.Equal(1025, endpoint.Port);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void ParseRejectsMissingConnectionString(string? connectionString)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => MailEndpoint.Parse(connectionString));

        Assert.Contains("ConnectionStrings:mail is missing", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Endpoint=smtp://host:port", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseRejectsMissingEndpointKey()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => MailEndpoint.Parse("Host=localhost;Port=25"));

        Assert.Contains("has no Endpoint", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Endpoint=http://localhost:25", "http://localhost:25")]
    [InlineData("Endpoint=localhost:25", "localhost:25")]
    [InlineData("Endpoint=smtp://localhost:25/inbox", "smtp://localhost:25/inbox")]
    [InlineData("Endpoint=smtp://localhost:99999", "smtp://localhost:99999")]
    [InlineData("Endpoint=smtp://user:secret@localhost:25", "smtp://user:secret@localhost:25")]
    [InlineData("Endpoint=not a uri", "not a uri")]
    public void ParseRejectsMalformedEndpoint(string connectionString, string endpoint)
    {
        var exception = Assert.Throws<FormatException>(() => MailEndpoint.Parse(connectionString));

        Assert.Contains($"invalid Endpoint '{endpoint}'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseRejectsMalformedConnectionString()
    {
        var exception = Assert.Throws<FormatException>(() => MailEndpoint.Parse("Endpoint='smtp://localhost:25"));

        Assert.Contains("not a valid connection string", exception.Message, StringComparison.Ordinal);
    }
}
