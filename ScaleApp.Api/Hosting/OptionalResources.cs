namespace ScaleApp.Api.Hosting;

/// <summary>
/// Which optional resources this process has a connection string for. A smaller deployment leaves a
/// resource out by not passing its connection string, and the features that need it are then off:
/// replica reads without <c>replica-db</c>, caching without <c>redis</c>, the outbox relay without <c>rabbitmq</c>.
/// </summary>
internal sealed record OptionalResources(bool ReplicaDb, bool Redis, bool RabbitMQ)
{
    public const string ReplicaDbName = "replica-db";
    public const string RedisName = "redis";
    public const string RabbitMQName = "rabbitmq";

    /// <summary>Reads <c>ConnectionStrings:*</c>. An empty or whitespace value counts as absent.</summary>
    public static OptionalResources From(IConfiguration configuration) => new(
        IsConfigured(configuration, ReplicaDbName),
        IsConfigured(configuration, RedisName),
        IsConfigured(configuration, RabbitMQName));

    public static bool IsConfigured(IConfiguration configuration, string connectionName) =>
        !string.IsNullOrWhiteSpace(configuration.GetConnectionString(connectionName));
}
