using ScaleApp.Gateway.Proxy;
using Yarp.ReverseProxy.Forwarder;

namespace ScaleApp.Tests.Unit.Gateway;

public class ProxyErrorDescriptionsTests
{
    [Theory]
    [InlineData(ForwarderError.NoAvailableDestinations, 503)]
    [InlineData(ForwarderError.Request, 502)]
    [InlineData(ForwarderError.RequestTimedOut, 504)]
    [InlineData(ForwarderError.RequestBodyClient, 408)]
    [InlineData(ForwarderError.RequestBodyDestination, 504)]
    public void ErrorStatusSetByProxyIsKept(ForwarderError error, int statusCode)
    {
        var (result, _) = ProxyErrorDescriptions.Describe(error, statusCode, "api-0");

        Assert.Equal(statusCode, result);
    }

    [Theory]
    [InlineData(ForwarderError.NoAvailableDestinations, 503)]
    [InlineData(ForwarderError.RequestTimedOut, 504)]
    [InlineData(ForwarderError.Request, 502)]
    [InlineData(ForwarderError.ResponseHeaders, 502)]
    public void SuccessStatusIsReplacedByErrorStatus(ForwarderError error, int expected)
    {
        var (result, _) = ProxyErrorDescriptions.Describe(error, 200, "api-0");

        Assert.Equal(expected, result);
    }

    [Fact]
    public void NoAvailableDestinationsDetail()
    {
        var (_, detail) = ProxyErrorDescriptions.Describe(ForwarderError.NoAvailableDestinations, 503, replicaName: null);

        Assert.Contains("No healthy API replica is available", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void DetailNamesTheReplica()
    {
        var (_, detail) = ProxyErrorDescriptions.Describe(ForwarderError.Request, 502, "api-2");

        Assert.Contains("'api-2'", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void DetailWithoutReplicaNameStaysReadable()
    {
        var (_, detail) = ProxyErrorDescriptions.Describe(ForwarderError.RequestTimedOut, 504, replicaName: null);

        Assert.Contains("the API replica", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryErrorHasDetail()
    {
        foreach (var error in Enum.GetValues<ForwarderError>().Where(error => error != ForwarderError.None))
        {
            var (statusCode, detail) = ProxyErrorDescriptions.Describe(error, 0, "api-0");

            Assert.InRange(statusCode, 500, 599);
            Assert.False(string.IsNullOrWhiteSpace(detail), $"No detail for {error}.");
        }
    }

    [Fact]
    public void OversizedChunkedBodyKeeps413()
    {
        var (statusCode, detail) = ProxyErrorDescriptions.Describe(ForwarderError.RequestBodyClient, 413, "api-0");

        Assert.Equal(413, statusCode);
        Assert.Contains("larger than the gateway accepts", detail, StringComparison.Ordinal);
    }
}
