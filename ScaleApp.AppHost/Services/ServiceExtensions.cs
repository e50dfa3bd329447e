using ScaleApp.AppHost.Infrastructure;

namespace ScaleApp.AppHost.Services;

internal static class ServiceExtensions
{
    /// <summary>
    /// Adds the API replicas as separate resources (<c>api-0</c> … <c>api-{N-1}</c>). One resource with
    /// WithReplicas(n) would put all replicas behind one Aspire proxy port, so the gateway's
    /// keep-alive connections would stick to one replica and its health checks could not tell the
    /// replicas apart. Each replica references only the infrastructure that runs: the API reads from
    /// the primary without a replica, caches nothing without Redis, and sends the welcome email inside
    /// the request without RabbitMQ.
    /// </summary>
    /// <remarks>
    /// <c>ScaleApp:Registration:SendEmailInRequest=true</c> makes every replica send the welcome email
    /// inside <c>POST /api/users</c> even when RabbitMQ runs. It exists for the registration benchmark.
    /// </remarks>
    public static IReadOnlyList<IResourceBuilder<ProjectResource>> AddApiReplicas(
        this IDistributedApplicationBuilder builder,
        int count,
        ScaleAppInfrastructure infrastructure,
        IResourceBuilder<ProjectResource> migrations)
    {
        var replicas = new List<IResourceBuilder<ProjectResource>>(count);
        var sendEmailInRequest = builder.Configuration.GetValue<bool>("ScaleApp:Registration:SendEmailInRequest");

        for (var index = 0; index < count; index++)
        {
            var name = $"api-{index}";

            var api = builder.AddProject<Projects.ScaleApp_Api>(name, launchProfileName: null)
                .WithDirectHttpEndpoint()
                .WithEnvironment("InstanceName", name)
                .WithReference(infrastructure.PrimaryDb).WaitFor(infrastructure.PrimaryDbServer)
                .WaitForCompletion(migrations)
                .WithHttpHealthCheck("/health");

            if (infrastructure.ReplicaDb is { } replicaDb)
            {
                api.WithReference(replicaDb);
            }

            if (infrastructure.Redis is { } redis)
            {
                api.WithReference(redis).WaitFor(redis);
            }

            if (infrastructure.RabbitMQ is { } rabbitmq)
            {
                api.WithReference(rabbitmq).WaitFor(rabbitmq);
            }

            if (infrastructure.RabbitMQ is null || sendEmailInRequest)
            {
                api.WithReference(infrastructure.Mail).WaitFor(infrastructure.Mail);
            }

            if (sendEmailInRequest)
            {
                api.WithEnvironment("Registration__SendEmailInRequest", "true");
            }

            replicas.Add(api);
        }

        return replicas;
    }

    /// <summary>
    /// Makes <paramref name="api"/> the public endpoint, on <paramref name="port"/> (0 for any free port),
    /// for the stages that run one API process and no gateway.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AsPublicEndpoint(this IResourceBuilder<ProjectResource> api, int port)
    {
        if (port != 0)
        {
            api.WithEndpoint("http", endpoint =>
            {
                endpoint.Port = port;
                endpoint.TargetPort = port;
            }, createIfNotExists: false);
        }

        return api.WithExternalHttpEndpoints();
    }

    /// <summary>
    /// Gives a project an HTTP endpoint on 127.0.0.1 with a port of its own and no Aspire proxy in
    /// front, so each request crosses one process hop less.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDirectHttpEndpoint(this IResourceBuilder<ProjectResource> project, int? port = null)
    {
        return project
            .WithHttpEndpoint(port: port, name: "http", isProxied: false)
            .WithEndpoint("http", endpoint => endpoint.TargetHost = "127.0.0.1", createIfNotExists: false);
    }

    /// <summary>
    /// Points the gateway's <c>api</c> cluster at every API replica: one YARP destination per replica,
    /// resolved through Aspire service discovery.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithApiDestinations(
        this IResourceBuilder<ProjectResource> gateway,
        IReadOnlyList<IResourceBuilder<ProjectResource>> replicas)
    {
        foreach (var replica in replicas)
        {
            var name = replica.Resource.Name;

            gateway
                .WithReference(replica).WaitFor(replica)
                .WithEnvironment($"ReverseProxy__Clusters__api__Destinations__{name}__Address", $"http://{name}");
        }

        return gateway;
    }

    /// <summary>
    /// Turns the gateway's edge cache on and gives the gateway a second HTTP endpoint, <c>admin</c>, on 127.0.0.1, passes its port to the gateway as Gateway:AdminPort, and adds the
    /// dashboard command <c>purge-edge-cache</c>, which sends <c>POST /admin/edge-cache/purge</c> to that endpoint.
    /// The gateway accepts the purge only on this port and only from loopback.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithEdgeCache(this IResourceBuilder<ProjectResource> gateway)
    {
        const string endpointName = "admin";

        gateway
            .WithEnvironment("Gateway__EdgeCache__Enabled", "true")
            .WithHttpEndpoint(name: endpointName, isProxied: false)
            .WithEndpoint(endpointName, endpoint => endpoint.TargetHost = "127.0.0.1", createIfNotExists: false);

        var admin = gateway.GetEndpoint(endpointName);
        return gateway
            .WithEnvironment("Gateway__AdminPort", admin.Property(EndpointProperty.TargetPort))
            .WithHttpCommand(
                "/admin/edge-cache/purge",
                "Purge edge cache",
                endpointName: endpointName,
                commandName: "purge-edge-cache",
                commandOptions: new HttpCommandOptions
                {
                    Description = "Evicts every static asset cached by the gateway, so the next requests fetch them from the API replicas.",
                    IconName = "Delete",
                    ConfirmationMessage = "Purge every cached static asset from the gateway?",
                });
    }

    /// <summary>Turns the gateway's edge cache off, so static assets pass through to the API replicas like any request.</summary>
    public static IResourceBuilder<ProjectResource> WithoutEdgeCache(this IResourceBuilder<ProjectResource> gateway) =>
        gateway.WithEnvironment("Gateway__EdgeCache__Enabled", "false");

    /// <summary>
    /// Passes one setting given to the AppHost (for example <c>--Caching:Enabled=false</c>) on to
    /// each of the given services, because the AppHost's own configuration does not reach them.
    /// </summary>
    public static void PassAppHostSetting(this IEnumerable<IResourceBuilder<ProjectResource>> services, IConfiguration configuration, string key)
    {
        if (configuration[key] is not { } value)
        {
            return;
        }

        foreach (var service in services)
        {
            service.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
        }
    }
}
