using System.Runtime.CompilerServices;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace ScaleApp.Gateway.Proxy;

/// <summary>
/// Picks the destination with the fewest requests in flight, like YARP's <c>LeastRequests</c> policy, but takes
/// turns among the destinations tied for the fewest. YARP's policy always takes the first tied destination, so
/// requests that arrive one at a time (every replica idle) would all go to the same replica.
/// </summary>
internal sealed class LeastRequestsRoundRobinPolicy : ILoadBalancingPolicy
{
    public const string PolicyName = "LeastRequestsRoundRobin";

    private readonly ConditionalWeakTable<ClusterState, StrongBox<uint>> _picksByCluster = [];

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        if (availableDestinations.Count == 0)
        {
            return null;
        }

        var fewestRequests = int.MaxValue;
        var tiedCount = 0;
        DestinationState? firstLeastBusy = null;
        foreach (var destination in availableDestinations)
        {
            var requests = destination.ConcurrentRequestCount;
            if (requests < fewestRequests)
            {
                fewestRequests = requests;
                tiedCount = 1;
                firstLeastBusy = destination;
            }
            else if (requests == fewestRequests)
            {
                tiedCount++;
            }
        }

        var picks = _picksByCluster.GetValue(cluster, _ => new StrongBox<uint>());
        var turn = (int)(Interlocked.Increment(ref picks.Value) % (uint)tiedCount);

        foreach (var destination in availableDestinations)
        {
            if (destination.ConcurrentRequestCount == fewestRequests)
            {
                if (turn == 0)
                {
                    return destination;
                }

                turn--;
            }
        }

        // Requests started or finished between the two passes, so the tie no longer holds.
        return firstLeastBusy;
    }
}
