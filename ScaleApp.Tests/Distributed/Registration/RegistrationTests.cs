using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ScaleApp.AppHost.Infrastructure.Processes;

namespace ScaleApp.Tests.Distributed.Registration;

/// <summary>POST /api/users through the gateway, and the welcome email the worker sends for it.</summary>
[Collection(TopologyCollection.Name)]
public sealed class RegistrationTests(TopologyFixture topology)
{
    private static readonly TimeSpan EmailTimeout = TimeSpan.FromSeconds(60);

    private readonly HttpClient _gateway = topology.Gateway;
    private readonly string _maildir = topology.Resource<MailSinkProcessResource>("mail").Maildir;

    [Fact]
    public async Task EachRegistrationGetsOneEmail()
    {
        var emails = await WelcomeEmails.RegisterManyAsync(_gateway, "each", count: 30);

        var received = await WelcomeEmails.WaitForAllAsync(_maildir, emails, EmailTimeout);

        WelcomeEmails.AssertExactlyOneEach(received);
    }

    /// <summary>
    /// Publishes the event of a registration whose email was already sent twice more, as a
    /// redelivery would. The delivery record must keep the worker from sending again.
    /// </summary>
    [Fact]
    public async Task RedeliveredEventSendsNoSecondEmail()
    {
        var email = ApiClient.UniqueEmail("redelivered");
        var user = await ApiClient.RegisterUserAsync(_gateway, "Redelivered", email);
        var first = Assert.Single(await MaildirReader.WaitForMessagesToAsync(_maildir, email, EmailTimeout));
        var eventId = first.Headers["X-ScaleApp-Event-Id"];
        Assert.False(string.IsNullOrEmpty(eventId), "The welcome email has no X-ScaleApp-Event-Id header.");

        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            eventId,
            userId = user.GetProperty("id").GetInt64(),
            name = "Redelivered",
            email,
            occurredAt = DateTimeOffset.UtcNow,
        });
        await using (var connection = await WelcomeEmails.ConnectToBrokerAsync(topology))
        await using (var channel = await connection.CreateChannelAsync(
            new RabbitMQ.Client.CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            for (var copy = 0; copy < 2; copy++)
            {
                var properties = new RabbitMQ.Client.BasicProperties
                {
                    Persistent = true,
                    ContentType = "application/json",
                    MessageId = eventId,
                    Type = "user.registered",
                };
                await channel.BasicPublishAsync("scaleapp.events", "user.registered", mandatory: true, properties, body);
            }
        }

        // A probe registered after the copies is consumed after them, because the worker takes the queue in order.
        var probe = ApiClient.UniqueEmail("redelivered-probe");
        await ApiClient.RegisterUserAsync(_gateway, "Probe", probe);
        await MaildirReader.WaitForMessagesToAsync(_maildir, probe, EmailTimeout);

        var received = await WelcomeEmails.WaitForAllAsync(_maildir, [email, probe], EmailTimeout);
        WelcomeEmails.AssertExactlyOneEach(received);
    }

    [Fact]
    public async Task ConcurrentDuplicateEmailsAnswered409()
    {
        var email = ApiClient.UniqueEmail("duplicate");
        var variants = Enumerable.Range(0, 8)
            .Select(index => index % 2 == 0 ? $"  {email.ToUpperInvariant()} " : email)
            .ToList();

        var responses = await Task.WhenAll(variants.Select(variant => _gateway.PostAsJsonAsync("/api/users", new { name = "Twin", email = variant })));
        try
        {
            var statuses = responses.Select(response => response.StatusCode).ToList();
            Assert.Equal(1, statuses.Count(status => status == HttpStatusCode.Created));
            Assert.Equal(variants.Count - 1, statuses.Count(status => status == HttpStatusCode.Conflict));

            var conflict = responses.First(response => response.StatusCode == HttpStatusCode.Conflict);
            Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType?.MediaType);

            var created = await responses.Single(response => response.StatusCode == HttpStatusCode.Created).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(email, created.GetProperty("email").GetString(), ignoreCase: true);
            Assert.DoesNotContain(" ", created.GetProperty("email").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }

        var received = await WelcomeEmails.WaitForAllAsync(_maildir, [email], EmailTimeout);
        WelcomeEmails.AssertExactlyOneEach(received);
    }

    [Theory]
    [InlineData("", "ada@example.com", "name")]
    [InlineData("   ", "ada@example.com", "name")]
    [InlineData("Ada", "not-an-address", "email")]
    [InlineData("Ada", "Ada <ada@example.com>", "email")]
    [InlineData("Ada", null, "email")]
    public async Task InvalidUserAnswered400(string? name, string? email, string field)
    {
        using var response = await _gateway.PostAsJsonAsync("/api/users", new { name, email });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"No error for '{field}' in: {problem}");
    }

    /// <summary>
    /// The request carries a traceparent chosen here. The worker writes the trace id of the span it
    /// sends the email in into the email's header. A match shows that the consume and SMTP spans
    /// belong to the request's trace, carried through the gateway, the API, the outbox and RabbitMQ.
    /// </summary>
    [Fact]
    public async Task WorkerSpanJoinsRequestTrace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var email = ApiClient.UniqueEmail("traced");

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/users") { Content = JsonContent.Create(new { name = "Traced", email }) })
        {
            request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            using var response = await _gateway.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var messages = await MaildirReader.WaitForMessagesToAsync(_maildir, email, EmailTimeout);

        var message = Assert.Single(messages);
        Assert.Equal(traceId.ToHexString(), message.Headers["X-ScaleApp-Trace-Id"]);
    }
}
