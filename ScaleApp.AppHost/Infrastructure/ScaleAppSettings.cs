namespace ScaleApp.AppHost.Infrastructure;

/// <summary>
/// Settings of the topology, bound from the <c>ScaleApp</c> configuration section
/// (appsettings.json, environment variables such as <c>ScaleApp__ApiReplicas=5</c>, or command-line
/// arguments such as <c>--ScaleApp:KeepData=true</c>).
/// </summary>
internal sealed class ScaleAppSettings
{
    public const string SectionName = "ScaleApp";

    /// <summary>How the infrastructure runs: <c>auto</c>, <c>processes</c> or <c>containers</c>.</summary>
    public string Infrastructure { get; set; } = "auto";

    /// <summary>Number of API replicas (<c>api-0</c> … <c>api-{N-1}</c>) behind the gateway.</summary>
    public int ApiReplicas { get; set; } = 3;

    /// <summary>
    /// Keeps databases and broker data between runs: in <see cref="DataDirectory"/> for local
    /// processes, in named volumes for containers. When false, every run starts empty and its data
    /// is removed when the AppHost stops.
    /// </summary>
    public bool KeepData { get; set; }

    /// <summary>
    /// Folder for kept data; relative paths are resolved against the AppHost project folder.
    /// </summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>
    /// Port of the gateway, the one public endpoint. 0 lets the operating system choose, which is
    /// what tests use so that a test run and a developer's run never collide.
    /// </summary>
    public int GatewayPort { get; set; } = 8080;

    /// <summary>
    /// Stage of the scaling story to run, 0-8 (see <see cref="Stages.ScalingStage"/>). The default is the
    /// full architecture.
    /// </summary>
    public int Stage { get; set; } = (int)Stages.StagePlan.Full;

    /// <summary>
    /// Pins each server process to a CPU set chosen by the stage, so that one host emulates separate
    /// machines (see <see cref="Stages.CpuSets"/>). Off by default; the stage benchmark turns it on.
    /// </summary>
    public bool PinCpus { get; set; }

    public PgBouncerSettings PgBouncer { get; set; } = new();

    public static ScaleAppSettings Read(IDistributedApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(SectionName).Get<ScaleAppSettings>() ?? new ScaleAppSettings();

        if (settings.ApiReplicas is < 1 or > 32)
        {
            throw new DistributedApplicationException(
                $"ScaleApp:ApiReplicas is {settings.ApiReplicas}; it must be between 1 and 32.");
        }

        if (settings.GatewayPort is < 0 or > 65535)
        {
            throw new DistributedApplicationException(
                $"ScaleApp:GatewayPort is {settings.GatewayPort}; it must be a TCP port (1-65535) or 0 for any free port.");
        }

        if (settings.Stage < (int)Stages.ScalingStage.OneServer || settings.Stage > (int)Stages.StagePlan.Full)
        {
            throw new DistributedApplicationException(
                $"ScaleApp:Stage is {settings.Stage}; it must be a stage of the scaling story from 0 to {(int)Stages.StagePlan.Full}.");
        }

        settings.PgBouncer.Validate();

        return settings;
    }

    public Stages.StagePlan StagePlan => new((Stages.ScalingStage)Stage, ApiReplicas);
}

/// <summary>Pool sizes of PgBouncer (transaction pooling).</summary>
internal sealed class PgBouncerSettings
{
    /// <summary>
    /// Server connections per database and user. PostgreSQL works best with a few active
    /// connections per CPU core, so the default follows the core count rather than the client count.
    /// </summary>
    public int DefaultPoolSize { get; set; } = Math.Clamp(Environment.ProcessorCount * 4, 8, 64);

    /// <summary>Client connections PgBouncer accepts in total (all API replicas' Npgsql pools).</summary>
    public int MaxClientConnections { get; set; } = 2000;

    public void Validate()
    {
        if (DefaultPoolSize is < 1 or > 1000)
        {
            throw new DistributedApplicationException(
                $"ScaleApp:PgBouncer:DefaultPoolSize is {DefaultPoolSize}; it must be between 1 and 1000.");
        }

        if (MaxClientConnections < DefaultPoolSize)
        {
            throw new DistributedApplicationException(
                $"ScaleApp:PgBouncer:MaxClientConnections is {MaxClientConnections}; it must be at least DefaultPoolSize ({DefaultPoolSize}).");
        }
    }
}
