using System.Text.Json;

namespace ScaleApp.Api.Messaging;

/// <summary>
/// Names and message format shared with the worker: a durable topic exchange, routing key = event type,
/// camelCase JSON bodies.
/// </summary>
internal static class EventContract
{
    public const string ExchangeName = "scaleapp.events";
    public const string UserRegisteredType = "user.registered";

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}

/// <summary>Body of a <c>user.registered</c> message.</summary>
internal sealed record UserRegisteredEvent(Guid EventId, long UserId, string Name, string Email, DateTime OccurredAt);
