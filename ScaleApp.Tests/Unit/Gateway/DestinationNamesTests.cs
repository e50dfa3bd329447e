using ScaleApp.Gateway.Proxy;

namespace ScaleApp.Tests.Unit.Gateway;

public class DestinationNamesTests
{
    [Theory]
    [InlineData("api-0[http://127.0.0.1:5123/]", "api-0")]
    [InlineData("api-12[http://[::1]:5123/]", "api-12")]
    [InlineData("api-0", "api-0")]
    [InlineData("[http://127.0.0.1:5123/]", "[http://127.0.0.1:5123/]")]
    [InlineData("api-0[unterminated", "api-0[unterminated")]
    public void GetReplicaNameStripsResolvedAddress(string destinationId, string expected)
    {
        Assert.Equal(expected, DestinationNames.GetReplicaName(destinationId));
    }
}
