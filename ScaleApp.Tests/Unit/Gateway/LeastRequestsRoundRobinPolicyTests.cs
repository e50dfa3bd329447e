using Microsoft.AspNetCore.Http;
using ScaleApp.Gateway.Proxy;
using Yarp.ReverseProxy.Model;

namespace ScaleApp.Tests.Unit.Gateway;

public class LeastRequestsRoundRobinPolicyTests
{
    private static DestinationState[] CreateDestinations(params int[] requestsInFlight) =>
        requestsInFlight
            .Select((count, index) => new DestinationState($"api-{index}") { ConcurrentRequestCount = count })
            .ToArray();

    private static List<string> PickMany(LeastRequestsRoundRobinPolicy policy, ClusterState cluster, DestinationState[] destinations, int picks) =>
        Enumerable.Range(0, picks)
            .Select(_ => policy.PickDestination(new DefaultHttpContext(), cluster, destinations)!.DestinationId)
            .ToList();

    [Fact]
    public void NoDestinationsReturnsNull()
    {
        var policy = new LeastRequestsRoundRobinPolicy();

        Assert.Null(policy.PickDestination(new DefaultHttpContext(), new ClusterState("api"), []));
    }

    [Fact]
    public void IdleDestinationsAreTakenInTurn()
    {
        var policy = new LeastRequestsRoundRobinPolicy();
        var destinations = CreateDestinations(0, 0, 0);

        var picks = PickMany(policy, new ClusterState("api"), destinations, 9);

        Assert.Equal(3, picks.Count(id => id == "api-0"));
        Assert.Equal(3, picks.Count(id => id == "api-1"));
        Assert.Equal(3, picks.Count(id => id == "api-2"));
    }

    [Fact]
    public void LeastBusyDestinationAlwaysWins()
    {
        var policy = new LeastRequestsRoundRobinPolicy();
        var destinations = CreateDestinations(4, 1, 7);

        var picks = PickMany(policy, new ClusterState("api"), destinations, 6);

        Assert.All(picks, id => Assert.Equal("api-1", id));
    }

    [Fact]
    public void TiesForLeastBusyAlternate()
    {
        var policy = new LeastRequestsRoundRobinPolicy();
        var destinations = CreateDestinations(2, 5, 2);

        var picks = PickMany(policy, new ClusterState("api"), destinations, 6);

        Assert.DoesNotContain("api-1", picks);
        Assert.Equal(3, picks.Count(id => id == "api-0"));
        Assert.Equal(3, picks.Count(id => id == "api-2"));
    }

    [Fact]
    public void SingleDestinationIsAlwaysPicked()
    {
        var policy = new LeastRequestsRoundRobinPolicy();
        var destinations = CreateDestinations(3);

        var picks = PickMany(policy, new ClusterState("api"), destinations, 3);

        Assert.All(picks, id => Assert.Equal("api-0", id));
    }
}
