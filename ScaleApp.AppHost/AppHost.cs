using ScaleApp.AppHost.Infrastructure;
using ScaleApp.AppHost.Infrastructure.Containers;
using ScaleApp.AppHost.Infrastructure.Processes;
using ScaleApp.AppHost.Services;
using ScaleApp.AppHost.Stages;

var builder = DistributedApplication.CreateBuilder(args);

var settings = ScaleAppSettings.Read(builder);
var parameters = InfrastructureParameters.Add(builder);
builder.RunServicesInAppHostEnvironment();
builder.LogResourceFailures();

// The stage of the scaling story (ScaleApp:Stage, default 8, the full architecture) decides what runs.
// Each stage adds one step to the one before:
//   0 one API process straight to PostgreSQL, no pooler, no cache, email sent inside the request
//   1 the same with more CPU (only CPU pinning distinguishes 0 from 1)
//   2 PostgreSQL separated and tuned
//   3 gateway, N API replicas and PgBouncer
//   4 Redis cache-aside
//   5 edge cache for static assets at the gateway
//   6 read replica for reads
//   7 queue and worker for email
//   8 autoscaling (not built yet: the topology of stage 7)
var stage = settings.StagePlan;
builder.AddStageResource(stage, settings.PinCpus);

// Infrastructure: PostgreSQL, then from stage 3 PgBouncer, from 4 Redis, from 6 the hot standby and
// from 7 RabbitMQ, and the SMTP sink in every stage. The one switch between local processes and
// containers is here, and both build the same names.
var (mode, modeReason) = builder.ResolveInfrastructureMode(settings);
builder.LogInfrastructureMode(mode, modeReason);
var infrastructure = mode switch
{
    InfrastructureMode.Processes => builder.AddProcessInfrastructure(settings, parameters, stage),
    InfrastructureMode.Containers => builder.AddContainerInfrastructure(settings, parameters, stage),
    _ => throw new DistributedApplicationException($"Infrastructure mode {mode} is not available."),
};

// Services: the schema first (its dashboard command "seed" loads sample data), then one API replica,
// or from stage 3 N of them, each referencing only the infrastructure that runs.
var migrations = builder.AddProject<Projects.ScaleApp_Migrations>("migrations")
    .WithReference(infrastructure.PrimaryDb).WaitFor(infrastructure.PrimaryDbServer)
    .WithSeedCommand(builder.Configuration);

var apiReplicas = builder.AddApiReplicas(stage.ApiReplicas, infrastructure, migrations);

// The feed benchmark measures the uncached path with --Caching:Enabled=false on the AppHost command line.
apiReplicas.PassAppHostSetting(builder.Configuration, "Caching:Enabled");

// Stage 7: the email worker sends the welcome emails from the queue.
if (stage.QueueAndWorker && infrastructure.RabbitMQ is { } rabbitmq)
{
    builder.AddProject<Projects.ScaleApp_Worker>("worker", launchProfileName: null)
        .WithDirectHttpEndpoint()
        .WithEnvironment("InstanceName", "worker")
        .WithReference(infrastructure.PrimaryDb).WaitFor(infrastructure.PrimaryDbServer)
        .WithReference(rabbitmq).WaitFor(rabbitmq)
        .WithReference(infrastructure.Mail).WaitFor(infrastructure.Mail)
        .WaitForCompletion(migrations)
        .WithHttpHealthCheck("/health");
}

// Stage 3: the gateway becomes the one public endpoint and balances /api/**, the page and its assets
// over the replicas. From stage 5 it also caches the assets, and a dashboard command purges that cache.
// Before stage 3 the single API replica is the public endpoint.
if (stage.Gateway)
{
    var gateway = builder.AddProject<Projects.ScaleApp_Gateway>("gateway", launchProfileName: null)
        .WithDirectHttpEndpoint(settings.GatewayPort == 0 ? null : settings.GatewayPort)
        .WithExternalHttpEndpoints()
        .WithEnvironment("InstanceName", "gateway")
        .WithApiDestinations(apiReplicas)
        .WithHttpHealthCheck("/health");

    if (stage.EdgeCache)
    {
        gateway.WithEdgeCache();
    }
    else
    {
        gateway.WithoutEdgeCache();
    }
}
else
{
    apiReplicas[0].AsPublicEndpoint(settings.GatewayPort);
}

// With ScaleApp:PinCpus=true each server runs on the CPU set of its emulated machine.
if (settings.PinCpus)
{
    builder.PinServersToCpuSets(stage);
}

builder.Build().Run();
