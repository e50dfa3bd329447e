namespace ScaleApp.Gateway.Proxy;

/// <summary>
/// Maps YARP destination ids back to the replica names configured under <c>ReverseProxy:Clusters:*:Destinations</c>.
/// </summary>
internal static class DestinationNames
{
    /// <summary>
    /// Returns the configured replica name of a destination id. The service-discovery destination resolver
    /// (Microsoft.Extensions.ServiceDiscovery.Yarp) names each resolved endpoint <c>name[address]</c>,
    /// e.g. <c>api-0[http://127.0.0.1:5123/]</c> becomes <c>api-0</c>. Ids without that suffix are returned unchanged.
    /// </summary>
    public static string GetReplicaName(string destinationId)
    {
        ArgumentNullException.ThrowIfNull(destinationId);

        var addressStart = destinationId.IndexOf('[', StringComparison.Ordinal);
        if (addressStart <= 0 || !destinationId.EndsWith(']'))
        {
            return destinationId;
        }

        return destinationId[..addressStart];
    }
}
