using Aspire.Hosting.ApplicationModel;
using ScaleApp.AppHost.Services;

namespace ScaleApp.Tests.Unit.AppHost;

public class ResourceFailureLogTests
{
    [Fact]
    public void FailedStartIsReported()
    {
        Assert.Equal("failed to start", ResourceFailureLog.Describe(KnownResourceStates.FailedToStart, exitCode: null));
    }

    [Theory]
    [InlineData("Exited")]
    [InlineData("Finished")]
    public void NonZeroExitIsReported(string state)
    {
        Assert.Equal("exited with code 134", ResourceFailureLog.Describe(state, exitCode: 134));
    }

    [Theory]
    [InlineData("Finished", 0)]
    [InlineData("Exited", 0)]
    [InlineData("Running", null)]
    [InlineData("Starting", null)]
    [InlineData(null, null)]
    public void OtherStatesAreNotReported(string? state, int? exitCode)
    {
        Assert.Null(ResourceFailureLog.Describe(state, exitCode));
    }
}
