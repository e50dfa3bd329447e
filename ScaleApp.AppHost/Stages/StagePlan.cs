namespace ScaleApp.AppHost.Stages;

/// <summary>
/// What the chosen stage runs. Each property turns on at the stage that adds it and stays on in every
/// later stage, so the list reads like the scaling story.
/// </summary>
internal sealed record StagePlan(ScalingStage Stage, int ConfiguredApiReplicas)
{
    public const ScalingStage Full = ScalingStage.Autoscaling;

    public bool TunedDatabase => Stage >= ScalingStage.SeparateDatabase;

    public bool Gateway => Stage >= ScalingStage.GatewayAndReplicas;

    public bool PgBouncer => Stage >= ScalingStage.GatewayAndReplicas;

    public int ApiReplicas => Stage >= ScalingStage.GatewayAndReplicas ? ConfiguredApiReplicas : 1;

    public bool Redis => Stage >= ScalingStage.RedisCache;

    public bool EdgeCache => Stage >= ScalingStage.EdgeCache;

    public bool ReadReplica => Stage >= ScalingStage.ReadReplica;

    public bool QueueAndWorker => Stage >= ScalingStage.QueueAndWorker;

    /// <summary>Stage number and the step it adds, as the dashboard shows it.</summary>
    public string Title => $"{(int)Stage}: {Describe(Stage)}";

    public static string Describe(ScalingStage stage) => stage switch
    {
        ScalingStage.OneServer => "one API process straight to PostgreSQL",
        ScalingStage.BiggerServer => "the same on more CPU",
        ScalingStage.SeparateDatabase => "PostgreSQL separated and tuned",
        ScalingStage.GatewayAndReplicas => "gateway, API replicas and PgBouncer",
        ScalingStage.RedisCache => "Redis cache-aside",
        ScalingStage.EdgeCache => "edge cache for static assets",
        ScalingStage.ReadReplica => "read replica for reads",
        ScalingStage.QueueAndWorker => "queue and worker for email",
        ScalingStage.Autoscaling => "autoscaling (not built yet: runs stage 7)",
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown scaling stage."),
    };
}
