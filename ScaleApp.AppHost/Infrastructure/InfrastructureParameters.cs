namespace ScaleApp.AppHost.Infrastructure;

/// <summary>
/// Secret parameters of the infrastructure, the same in every mode. Each is generated on first use
/// and kept in the AppHost's user secrets, or set explicitly (for example <c>Parameters__redis-password</c>).
/// </summary>
internal sealed record InfrastructureParameters(
    IResourceBuilder<ParameterResource> PostgresPassword,
    IResourceBuilder<ParameterResource> PostgresAppPassword,
    IResourceBuilder<ParameterResource> PostgresReplicationPassword,
    IResourceBuilder<ParameterResource> RedisPassword,
    IResourceBuilder<ParameterResource> RabbitMQPassword)
{
    public static InfrastructureParameters Add(IDistributedApplicationBuilder builder)
    {
        return new InfrastructureParameters(
            AddPassword(builder, "postgres-password"),
            AddPassword(builder, "postgres-app-password"),
            AddPassword(builder, "postgres-replication-password"),
            AddPassword(builder, "redis-password"),
            AddPassword(builder, "rabbitmq-password"));
    }

    // Letters and digits only: the passwords travel through connection strings, URIs and config files.
    private static IResourceBuilder<ParameterResource> AddPassword(IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
}
