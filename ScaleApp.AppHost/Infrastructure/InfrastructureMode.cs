using ScaleApp.AppHost.Infrastructure.Containers;

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
    /// so the AppHost can log both at start-up. Only <c>auto</c> calls <paramref name="probe"/>, and
    /// not while publishing, which always describes containers. An explicit
    /// <c>containers</c> is accepted without a runtime, so the model builds on any machine; starting
    /// it checks the runtime (see <see cref="ContainerInfrastructure"/>).
    /// </summary>
    public static (InfrastructureMode Mode, string Reason) Resolve(string setting, IContainerRuntimeProbe probe, bool isPublishMode = false)
    {
        switch (setting.Trim().ToLowerInvariant())
        {
            case "processes":
                return (InfrastructureMode.Processes, "ScaleApp:Infrastructure is 'processes'");

            case "containers":
                return (InfrastructureMode.Containers, "ScaleApp:Infrastructure is 'containers'");

            case "auto" when isPublishMode:
                return (InfrastructureMode.Containers, "ScaleApp:Infrastructure is 'auto' and the AppHost is publishing, which describes containers");

            case "auto":
                var status = probe.Probe();
                return status.IsAvailable
                    ? (InfrastructureMode.Containers, $"ScaleApp:Infrastructure is 'auto' and a container runtime responded ({status.Detail})")
                    : (InfrastructureMode.Processes, $"ScaleApp:Infrastructure is 'auto' and no container runtime responded ({status.Detail})");

            default:
                throw new DistributedApplicationException(
                    $"ScaleApp:Infrastructure is '{setting}'; expected 'auto', 'processes' or 'containers'.");
        }
    }

    /// <summary>
    /// Resolves the mode for this AppHost, probing the container runtime only when the setting is
    /// <c>auto</c>. When that probe finds Podman responding while an installed Docker CLI does not,
    /// this sets <c>ASPIRE_CONTAINER_RUNTIME=podman</c>, because Aspire picks the Docker CLI whenever
    /// it finds one.
    /// </summary>
    public static (InfrastructureMode Mode, string Reason) ResolveInfrastructureMode(this IDistributedApplicationBuilder builder, ScaleAppSettings settings)
    {
        var probe = new RecordingProbe(new ContainerRuntimeProbe(builder.Configuration));
        var (mode, reason) = Resolve(settings.Infrastructure, probe, builder.ExecutionContext.IsPublishMode);

        if (mode == InfrastructureMode.Containers && probe.Status is { RequiresRuntimeSetting: true })
        {
            builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] = "podman";
            reason += "; ASPIRE_CONTAINER_RUNTIME is set to 'podman' for this run";
        }

        return (mode, reason);
    }

    // Keeps the probe's result, so the caller can act on which runtime responded.
    private sealed class RecordingProbe(IContainerRuntimeProbe inner) : IContainerRuntimeProbe
    {
        public ContainerRuntimeStatus? Status { get; private set; }

        public ContainerRuntimeStatus Probe() => Status = inner.Probe();
    }
}
