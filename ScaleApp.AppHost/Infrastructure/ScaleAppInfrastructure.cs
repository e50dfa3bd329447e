namespace ScaleApp.AppHost.Infrastructure;

/// <summary>
/// The infrastructure resources the services reference and wait for. Both modes build the same
/// names, so the services and their configuration do not depend on the mode.
/// </summary>
internal sealed record ScaleAppInfrastructure(
    IResourceBuilder<IResourceWithConnectionString> Postgres,
    IResourceBuilder<IResourceWithConnectionString> PostgresReplica,
    IResourceBuilder<IResource> PgBouncer,
    IResourceBuilder<IResourceWithConnectionString> PrimaryDb,
    IResourceBuilder<IResourceWithConnectionString> ReplicaDb,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IResourceBuilder<IResourceWithConnectionString> RabbitMQ,
    IResourceBuilder<IResourceWithConnectionString> Mail);
