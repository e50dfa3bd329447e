namespace ScaleApp.AppHost.Infrastructure;

/// <summary>
/// The infrastructure resources the services reference and wait for. Both modes build the same
/// names, so the services and their configuration do not depend on the mode. A resource the stage
/// leaves out is null, and services then get no reference to it.
/// </summary>
/// <param name="PrimaryDb">The connection string services use for writes: through PgBouncer when it runs, otherwise straight to PostgreSQL.</param>
/// <param name="PrimaryDbServer">The server behind <paramref name="PrimaryDb"/> that services wait for.</param>
/// <param name="ReplicaDb">The connection string for reads on the hot standby, through PgBouncer.</param>
internal sealed record ScaleAppInfrastructure(
    IResourceBuilder<IResourceWithConnectionString> Postgres,
    IResourceBuilder<IResourceWithConnectionString>? PostgresReplica,
    IResourceBuilder<IResource>? PgBouncer,
    IResourceBuilder<IResourceWithConnectionString> PrimaryDb,
    IResourceBuilder<IResource> PrimaryDbServer,
    IResourceBuilder<IResourceWithConnectionString>? ReplicaDb,
    IResourceBuilder<IResourceWithConnectionString>? Redis,
    IResourceBuilder<IResourceWithConnectionString>? RabbitMQ,
    IResourceBuilder<IResourceWithConnectionString> Mail);
