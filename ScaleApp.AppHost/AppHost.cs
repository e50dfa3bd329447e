using ScaleApp.AppHost.Infrastructure;
using ScaleApp.AppHost.Infrastructure.Containers;
using ScaleApp.AppHost.Infrastructure.Processes;
using ScaleApp.AppHost.Services;

var builder = DistributedApplication.CreateBuilder(args);

var settings = ScaleAppSettings.Read(builder);
var parameters = InfrastructureParameters.Add(builder);
builder.RunServicesInAppHostEnvironment();

// Infrastructure: PostgreSQL primary and hot standby behind PgBouncer, Redis, RabbitMQ and an SMTP
// sink. The one switch between local processes and containers is here; both build the same names.
var (mode, modeReason) = builder.ResolveInfrastructureMode(settings);
builder.LogInfrastructureMode(mode, modeReason);
var infrastructure = mode switch
{
    InfrastructureMode.Processes => builder.AddProcessInfrastructure(settings, parameters),
    InfrastructureMode.Containers => builder.AddContainerInfrastructure(settings, parameters),
    _ => throw new DistributedApplicationException($"Infrastructure mode {mode} is not available."),
};

// Services: the schema first (its dashboard command "seed" loads sample data), then the API
// replicas and the email worker.
var migrations = builder.AddProject<Projects.ScaleApp_Migrations>("migrations")
    .WithReference(infrastructure.PrimaryDb).WaitFor(infrastructure.PgBouncer)
    .WithSeedCommand(builder.Configuration);

var apiReplicas = builder.AddApiReplicas(settings.ApiReplicas, infrastructure, migrations);

// The feed benchmark measures the uncached path with --Caching:Enabled=false on the AppHost command line.
apiReplicas.PassAppHostSetting(builder.Configuration, "Caching:Enabled");

builder.AddProject<Projects.ScaleApp_Worker>("worker", launchProfileName: null)
    .WithDirectHttpEndpoint()
    .WithEnvironment("InstanceName", "worker")
    .WithReference(infrastructure.PrimaryDb).WaitFor(infrastructure.PgBouncer)
    .WithReference(infrastructure.RabbitMQ).WaitFor(infrastructure.RabbitMQ)
    .WithReference(infrastructure.Mail).WaitFor(infrastructure.Mail)
    .WaitForCompletion(migrations)
    .WithHttpHealthCheck("/health");

// Gateway: the one public endpoint, balancing /api/**, the page and its assets over the replicas and
// caching the assets; a dashboard command purges that cache.
builder.AddProject<Projects.ScaleApp_Gateway>("gateway", launchProfileName: null)
    .WithDirectHttpEndpoint(settings.GatewayPort == 0 ? null : settings.GatewayPort)
    .WithExternalHttpEndpoints()
    .WithEnvironment("InstanceName", "gateway")
    .WithApiDestinations(apiReplicas)
    .WithEdgeCacheAdmin()
    .WithHttpHealthCheck("/health");

builder.Build().Run();
