using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using ScaleApp.AppHost.Infrastructure.Containers;

namespace ScaleApp.Tests.Unit.AppHost;

public sealed class ContainerRuntimeProbeTests
{
    [Fact]
    public void CommandOutputCountsAsResponse()
    {
        var result = ContainerRuntimeProbe.RunCommand("/bin/sh", ["-c", "echo 28.5.1; echo ignored"], TimeSpan.FromSeconds(5));

        Assert.True(result.Started);
        Assert.True(result.Responded);
        Assert.Equal("28.5.1", result.Output);
    }

    [Fact]
    public void FailedCommandReportsStandardError()
    {
        var result = ContainerRuntimeProbe.RunCommand("/bin/sh", ["-c", "echo 'Cannot connect to the daemon' >&2; exit 1"], TimeSpan.FromSeconds(5));

        Assert.True(result.Started);
        Assert.False(result.Responded);
        Assert.Equal("Cannot connect to the daemon", result.Output);
    }

    [Fact]
    public void EmptyOutputIsNoResponse()
    {
        var result = ContainerRuntimeProbe.RunCommand("/bin/sh", ["-c", "exit 0"], TimeSpan.FromSeconds(5));

        Assert.False(result.Responded);
    }

    [Fact]
    public void MissingCommandIsNotInstalled()
    {
        var result = ContainerRuntimeProbe.RunCommand("scaleapp-no-such-runtime", ["info"], TimeSpan.FromSeconds(5));

        Assert.False(result.Started);
        Assert.False(result.Responded);
        Assert.Contains("not found on PATH", result.Output);
    }

    [Fact]
    public void HangingCommandIsKilledAtTimeout()
    {
        var stopwatch = Stopwatch.StartNew();

        var result = ContainerRuntimeProbe.RunCommand("/bin/sh", ["-c", "sleep 30"], TimeSpan.FromMilliseconds(500));

        Assert.False(result.Responded);
        Assert.Contains("timed out after", result.Output);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"The probe took {stopwatch.Elapsed} for a 0.5 s timeout.");
    }

    [Fact]
    public void UnsupportedConfiguredRuntimeIsRejected()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ASPIRE_CONTAINER_RUNTIME"] = "nerdctl" })
            .Build();

        var status = new ContainerRuntimeProbe(configuration).Probe();

        Assert.False(status.IsAvailable);
        Assert.Contains("'nerdctl'", status.Detail);
        Assert.Contains("'podman'", status.Detail);
    }

    [Theory]
    [InlineData("DcpPublisher:ContainerRuntime", "Podman")]
    [InlineData("ASPIRE_CONTAINER_RUNTIME", "podman")]
    [InlineData("DOTNET_ASPIRE_CONTAINER_RUNTIME", " podman ")]
    public void ConfiguredRuntimeIsRead(string key, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [key] = value })
            .Build();

        Assert.Equal("podman", new ContainerRuntimeProbe(configuration).ConfiguredRuntime);
    }
}
