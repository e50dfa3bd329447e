using Aspire.Hosting;
using ScaleApp.AppHost.Infrastructure;

namespace ScaleApp.Tests.Unit.AppHost;

public sealed class InfrastructureModeTests
{
    [Theory]
    [InlineData("processes")]
    [InlineData("Processes")]
    [InlineData(" auto ")]
    public void ResolvesToProcesses(string setting)
    {
        var (mode, reason) = InfrastructureModeResolver.Resolve(setting);

        Assert.Equal(InfrastructureMode.Processes, mode);
        Assert.Contains("ScaleApp:Infrastructure", reason);
    }

    [Fact]
    public void UnknownModeNamesValueAndChoices()
    {
        var error = Assert.Throws<DistributedApplicationException>(() => InfrastructureModeResolver.Resolve("kubernetes"));

        Assert.Contains("'kubernetes'", error.Message);
        Assert.Contains("'processes'", error.Message);
    }

    [Fact]
    public void ContainersModeSaysHowToSwitch()
    {
        var error = Assert.Throws<DistributedApplicationException>(() => InfrastructureModeResolver.Resolve("containers"));

        Assert.Contains("--ScaleApp:Infrastructure=processes", error.Message);
    }
}
