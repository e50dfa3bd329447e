namespace ScaleApp.AppHost.Stages;

/// <summary>A resource that only shows in the dashboard which stage of the scaling story runs.</summary>
internal sealed class ScalingStageResource(string name, StagePlan plan) : Resource(name)
{
    public StagePlan Plan { get; } = plan;
}

internal static class StageResourceExtensions
{
    /// <summary>
    /// Adds the <c>stage</c> resource, whose state in the dashboard is the stage number and the step it
    /// adds, and whose properties list what the stage runs.
    /// </summary>
    public static IResourceBuilder<ScalingStageResource> AddStageResource(this IDistributedApplicationBuilder builder, StagePlan plan, bool pinCpus)
    {
        return builder.AddResource(new ScalingStageResource("stage", plan))
            .WithIconName("ArrowTrendingLines")
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "ScalingStage",
                State = new ResourceStateSnapshot($"Stage {plan.Title}", KnownResourceStateStyles.Info),
                Properties =
                [
                    new("scaleapp.stage", (int)plan.Stage),
                    new("scaleapp.api-replicas", plan.ApiReplicas),
                    new("scaleapp.gateway", plan.Gateway),
                    new("scaleapp.pgbouncer", plan.PgBouncer),
                    new("scaleapp.redis", plan.Redis),
                    new("scaleapp.edge-cache", plan.EdgeCache),
                    new("scaleapp.read-replica", plan.ReadReplica),
                    new("scaleapp.queue-and-worker", plan.QueueAndWorker),
                    new("scaleapp.cpu-pinning", pinCpus),
                ],
            });
    }
}
