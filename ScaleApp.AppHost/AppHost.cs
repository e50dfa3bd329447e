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

// Services: the schema first, then the API replicas and the email worker. The dashboard command
// "seed" reruns the migrations resource with Seed__Enabled=true, which tops users and posts up to the
// Seed:Users and Seed:Posts targets (10,000 and 200,000 unless given to the AppHost).
var seedRequested = false;
var migrations = builder.AddProject<Projects.ScaleApp_Migrations>("migrations")
    .WithReference(infrastructure.PrimaryDb).WaitFor(infrastructure.PgBouncer)
    .WithEnvironment(context =>
    {
        // Seed settings given to the AppHost (--Seed:Enabled=true --Seed:Users=N --Seed:Posts=M) reach the migrations.
        foreach (var (key, value) in builder.Configuration.GetSection("Seed").AsEnumerable(makePathsRelative: true))
        {
            if (value is not null)
            {
                context.EnvironmentVariables[$"Seed__{key.Replace(":", "__", StringComparison.Ordinal)}"] = value;
            }
        }

        if (seedRequested)
        {
            context.EnvironmentVariables["Seed__Enabled"] = "true";
        }
    })
    .WithCommand(
        "seed",
        "Seed sample data",
        async context =>
        {
            seedRequested = true;
            var notifications = context.Services.GetRequiredService<ResourceNotificationService>();

            // Watching starts before the restart, so the whole run is seen. The first event replays the
            // previous run's end, which comes before any non-terminal state and is therefore skipped.
            var finished = WaitForNextRunExitCodeAsync(notifications, context.ResourceName, context.CancellationToken);
            var commands = context.Services.GetRequiredService<ResourceCommandService>();
            var started = await commands.ExecuteCommandAsync(context.ResourceName, KnownResourceCommands.StartCommand, context.CancellationToken);
            if (!started.Success)
            {
                return started;
            }

            var exitCode = await finished;
            return exitCode == 0
                ? CommandResults.Success()
                : CommandResults.Failure($"Seeding exited with code {exitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}; see the logs of '{context.ResourceName}'.");
        },
        new CommandOptions
        {
            Description = "Reruns the migrations and then loads sample users and posts with binary COPY, up to the target counts.",
            IconName = "DatabaseArrowUp",
            UpdateState = context => KnownResourceStates.TerminalStates.Contains(context.ResourceSnapshot.State?.Text)
                ? ResourceCommandState.Enabled
                : ResourceCommandState.Disabled,
        });

var apiReplicas = builder.AddApiReplicas(settings.ApiReplicas, infrastructure, migrations);

// The feed benchmark measures the uncached path with --Caching:Enabled=false on the AppHost command line.
if (builder.Configuration["Caching:Enabled"] is { } cachingEnabled)
{
    foreach (var api in apiReplicas)
    {
        api.WithEnvironment("Caching__Enabled", cachingEnabled);
    }
}

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

static async Task<int?> WaitForNextRunExitCodeAsync(ResourceNotificationService notifications, string resourceName, CancellationToken cancellationToken)
{
    var running = false;
    await foreach (var resourceEvent in notifications.WatchAsync(cancellationToken))
    {
        if (resourceEvent.Resource.Name != resourceName && resourceEvent.ResourceId != resourceName)
        {
            continue;
        }

        var terminal = KnownResourceStates.TerminalStates.Contains(resourceEvent.Snapshot.State?.Text);
        if (!terminal)
        {
            running = true;
        }
        else if (running)
        {
            return resourceEvent.Snapshot.ExitCode;
        }
    }

    return null;
}
