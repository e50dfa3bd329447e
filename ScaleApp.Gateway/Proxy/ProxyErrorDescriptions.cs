using Yarp.ReverseProxy.Forwarder;

namespace ScaleApp.Gateway.Proxy;

/// <summary>
/// Status codes and client-facing details for requests that YARP could not forward.
/// </summary>
internal static class ProxyErrorDescriptions
{
    /// <summary>
    /// Returns the status code and detail text of the problem details response for a failed forward.
    /// The status code YARP already set is kept when it is an error code, otherwise it is derived from the error.
    /// YARP 2.3 sets 503 when no destination is available, 504 on a timeout and 502 when the replica is unreachable.
    /// It sets 400 or 408 when reading the client's request body fails.
    /// </summary>
    public static (int StatusCode, string Detail) Describe(ForwarderError error, int statusCodeSetByProxy, string? replicaName)
    {
        var statusCode = statusCodeSetByProxy >= StatusCodes.Status400BadRequest
            ? statusCodeSetByProxy
            : DefaultStatusCode(error);

        var replica = replicaName is null ? "the API replica" : $"API replica '{replicaName}'";

        var detail = error switch
        {
            ForwarderError.NoAvailableDestinations =>
                "No healthy API replica is available to handle the request. Retry in a few seconds.",
            ForwarderError.Request =>
                $"The gateway could not send the request to {replica}. Retry the request.",
            ForwarderError.RequestCreation =>
                $"The gateway could not build the request for {replica}.",
            ForwarderError.RequestTimedOut =>
                $"The gateway timed out connecting to or waiting for {replica}. Retry the request.",
            ForwarderError.ResponseHeaders =>
                $"The gateway could not read the response headers from {replica}. Retry the request.",
            ForwarderError.RequestBodyClient when statusCode == StatusCodes.Status413PayloadTooLarge =>
                "The request body is larger than the gateway accepts (Gateway:MaxRequestBodySize). Send a smaller body.",
            ForwarderError.RequestBodyClient =>
                "The gateway could not read the request body from the client.",
            ForwarderError.RequestBodyDestination =>
                $"The gateway could not send the request body to {replica}. Retry the request.",
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled =>
                $"The request was canceled before {replica} responded.",
            _ =>
                $"The gateway failed to forward the request to {replica} ({error}).",
        };

        return (statusCode, detail);
    }

    private static int DefaultStatusCode(ForwarderError error) => error switch
    {
        ForwarderError.NoAvailableDestinations => StatusCodes.Status503ServiceUnavailable,
        ForwarderError.RequestTimedOut => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status502BadGateway,
    };
}
