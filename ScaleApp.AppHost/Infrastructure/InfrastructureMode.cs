namespace ScaleApp.AppHost.Infrastructure;

/// <summary>How PostgreSQL, PgBouncer, Redis, RabbitMQ and the SMTP sink run.</summary>
internal enum InfrastructureMode
{
    /// <summary>Executables from the operating system's packages; needs no container runtime.</summary>
    Processes,

    /// <summary>Containers through Docker or Podman.</summary>
    Containers,
}

internal static class InfrastructureModeResolver
{
    /// <summary>
    /// Resolves the <c>ScaleApp:Infrastructure</c> setting to a mode and the reason it was chosen,
    /// so the AppHost can log both at start-up.
    /// </summary>
    public static (InfrastructureMode Mode, string Reason) Resolve(string setting)
    {
        switch (setting.Trim().ToLowerInvariant())
        {
            case "processes":
                return (InfrastructureMode.Processes, "ScaleApp:Infrastructure is 'processes'");

            case "containers":
                // NOTE: containers mode is not built yet; it is rejected here so the switch stays in one place.
                throw new DistributedApplicationException(
                    "ScaleApp:Infrastructure is 'containers', but containers mode is not available yet. " +
                    "Run with --ScaleApp:Infrastructure=processes (the OS packages run as local processes).");

            case "auto":
                return (InfrastructureMode.Processes, "ScaleApp:Infrastructure is 'auto' and local processes are the only mode available");

            default:
                throw new DistributedApplicationException(
                    $"ScaleApp:Infrastructure is '{setting}'; expected 'auto', 'processes' or 'containers'.");
        }
    }
}
