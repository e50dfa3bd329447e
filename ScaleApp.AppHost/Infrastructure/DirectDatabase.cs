namespace ScaleApp.AppHost.Infrastructure;

/// <summary>
/// The application database on a PostgreSQL server, reached without PgBouncer: the connection string
/// services use in the stages before the pooler. The server may be a local process or a container.
/// </summary>
internal sealed class DirectDatabaseResource(string name, IResourceWithEndpoints parent, string endpointName, ParameterResource password)
    : Resource(name), IResourceWithParent<IResourceWithEndpoints>, IResourceWithConnectionString
{
    public IResourceWithEndpoints Parent { get; } = parent;

    private EndpointReference ServerEndpoint => Parent.GetEndpoint(endpointName);

    // Npgsql's defaults (reset on close, automatic preparation) suit a direct connection, which keeps
    // its session for as long as it stays in the client's pool.
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={ServerEndpoint.Property(EndpointProperty.IPV4Host)};Port={ServerEndpoint.Property(EndpointProperty.Port)};" +
        $"Database={PostgresNames.Database};Username={PostgresNames.ApplicationUser};Password={password}");
}

internal static class DirectDatabaseExtensions
{
    /// <summary>
    /// Adds the application database of <paramref name="server"/> as a child resource that services
    /// reference, shown as running once the server is ready.
    /// </summary>
    public static IResourceBuilder<DirectDatabaseResource> AddDirectDatabase<T>(
        this IResourceBuilder<T> server,
        string name,
        string endpointName,
        InfrastructureParameters parameters)
        where T : IResourceWithEndpoints
    {
        if (!server.Resource.GetEndpoint(endpointName).Exists)
        {
            throw new InvalidOperationException(
                $"PostgreSQL resource '{server.Resource.Name}' has no endpoint named '{endpointName}'; add it before its databases.");
        }

        var database = new DirectDatabaseResource(name, server.Resource, endpointName, parameters.PostgresAppPassword.Resource);
        var builder = server.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.NotStarted,
                Properties = [new("postgres.database", PostgresNames.Database)],
            });

        server.MarkRunningWhenReady(database);
        return builder;
    }

    /// <summary>Marks <paramref name="children"/> running when <paramref name="server"/> becomes ready.</summary>
    public static void MarkRunningWhenReady<T>(this IResourceBuilder<T> server, params IResource[] children)
        where T : IResource
    {
        server.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(server.Resource, async (@event, _) =>
        {
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var child in children)
            {
                await notifications.PublishUpdateAsync(child, state => state with { State = KnownResourceStates.Running });
            }
        });
    }
}
