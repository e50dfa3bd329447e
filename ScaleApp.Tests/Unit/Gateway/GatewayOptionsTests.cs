using ScaleApp.Gateway.Proxy;

namespace ScaleApp.Tests.Unit.Gateway;

public class GatewayOptionsTests
{
    [Fact]
    public void DefaultsAreValid()
    {
        var options = new GatewayOptions();

        Assert.Equal(TimeSpan.FromSeconds(5), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ActivityTimeout);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void ZeroConnectTimeoutIsRejected()
    {
        var options = new GatewayOptions { ConnectTimeout = TimeSpan.Zero };

        var error = Assert.Single(options.Validate());
        Assert.Contains("Gateway:ConnectTimeout", error, StringComparison.Ordinal);
        Assert.Contains("'00:00:00'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void InfiniteActivityTimeoutIsRejected()
    {
        var options = new GatewayOptions { ActivityTimeout = Timeout.InfiniteTimeSpan };

        var error = Assert.Single(options.Validate());
        Assert.Contains("Gateway:ActivityTimeout", error, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryInvalidSettingIsReported()
    {
        var options = new GatewayOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(-1),
            ActivityTimeout = TimeSpan.FromSeconds(-1),
        };

        Assert.Equal(2, options.Validate().Count);
    }

    [Fact]
    public void ZeroBodyLimitIsRejected()
    {
        var options = new GatewayOptions { MaxRequestBodySize = 0 };

        var error = Assert.Single(options.Validate());
        Assert.Contains("Gateway:MaxRequestBodySize", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TinyHeaderLimitIsRejected()
    {
        var options = new GatewayOptions { MaxRequestHeadersTotalSize = 100 };

        var error = Assert.Single(options.Validate());
        Assert.Contains("Gateway:MaxRequestHeadersTotalSize", error, StringComparison.Ordinal);
    }
}
