using Aspire.Hosting;
using ScaleApp.AppHost.Infrastructure;
using ScaleApp.AppHost.Infrastructure.Containers;

namespace ScaleApp.Tests.Unit.AppHost;

public sealed class InfrastructureModeTests
{
    private static readonly ContainerRuntimeStatus DockerRunning = new("docker", "docker server version 28.5.1");
    private static readonly ContainerRuntimeStatus NoRuntimeRunning = new(null, "docker: Cannot connect to the Docker daemon; podman: not installed (not found on PATH)");

    [Theory]
    [InlineData("processes")]
    [InlineData("Processes")]
    public void ExplicitProcessesSkipsProbe(string setting)
    {
        var probe = new FakeProbe(DockerRunning);

        var (mode, reason) = InfrastructureModeResolver.Resolve(setting, probe);

        Assert.Equal(InfrastructureMode.Processes, mode);
        Assert.Contains("'processes'", reason);
        Assert.Equal(0, probe.Calls);
    }

    [Theory]
    [InlineData("containers")]
    [InlineData(" Containers ")]
    public void ExplicitContainersSkipsProbe(string setting)
    {
        var probe = new FakeProbe(NoRuntimeRunning);

        var (mode, reason) = InfrastructureModeResolver.Resolve(setting, probe);

        Assert.Equal(InfrastructureMode.Containers, mode);
        Assert.Contains("'containers'", reason);
        Assert.Equal(0, probe.Calls);
    }

    [Fact]
    public void AutoPicksContainersWhenRuntimeResponds()
    {
        var probe = new FakeProbe(DockerRunning);

        var (mode, reason) = InfrastructureModeResolver.Resolve(" auto ", probe);

        Assert.Equal(InfrastructureMode.Containers, mode);
        Assert.Contains("docker server version 28.5.1", reason);
        Assert.Equal(1, probe.Calls);
    }

    [Fact]
    public void AutoPicksProcessesWithoutRuntime()
    {
        var probe = new FakeProbe(NoRuntimeRunning);

        var (mode, reason) = InfrastructureModeResolver.Resolve("auto", probe);

        Assert.Equal(InfrastructureMode.Processes, mode);
        Assert.Contains("no container runtime responded", reason);
        Assert.Contains("Cannot connect to the Docker daemon", reason);
    }

    [Fact]
    public void AutoWhilePublishingPicksContainers()
    {
        var probe = new FakeProbe(NoRuntimeRunning);

        var (mode, _) = InfrastructureModeResolver.Resolve("auto", probe, isPublishMode: true);

        Assert.Equal(InfrastructureMode.Containers, mode);
        Assert.Equal(0, probe.Calls);
    }

    [Fact]
    public void UnknownModeNamesValueAndChoices()
    {
        var error = Assert.Throws<DistributedApplicationException>(
            () => InfrastructureModeResolver.Resolve("kubernetes", new FakeProbe(DockerRunning)));

        Assert.Contains("'kubernetes'", error.Message);
        Assert.Contains("'processes'", error.Message);
        Assert.Contains("'containers'", error.Message);
    }

    private sealed class FakeProbe(ContainerRuntimeStatus status) : IContainerRuntimeProbe
    {
        public int Calls { get; private set; }

        public ContainerRuntimeStatus Probe()
        {
            Calls++;
            return status;
        }
    }
}
