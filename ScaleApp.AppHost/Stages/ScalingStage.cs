namespace ScaleApp.AppHost.Stages;

/// <summary>
/// Stages of the scaling story, each the previous one plus one step. The number is the value of the
/// <c>ScaleApp:Stage</c> setting.
/// </summary>
internal enum ScalingStage
{
    /// <summary>One API process talking straight to PostgreSQL; no pooler, no cache, email sent inside the request.</summary>
    OneServer = 0,

    /// <summary>The same topology with more CPU.</summary>
    BiggerServer = 1,

    /// <summary>PostgreSQL on its own CPUs, with memory settings tuned for its share of RAM.</summary>
    SeparateDatabase = 2,

    /// <summary>A YARP gateway in front of N API replicas, and PgBouncer between them and PostgreSQL.</summary>
    GatewayAndReplicas = 3,

    /// <summary>Redis cache-aside for hot reads.</summary>
    RedisCache = 4,

    /// <summary>The gateway caches static assets, in the role of a CDN.</summary>
    EdgeCache = 5,

    /// <summary>A streaming read replica serves reads; writes stay on the primary.</summary>
    ReadReplica = 6,

    /// <summary>RabbitMQ and the email worker take the welcome email out of the request.</summary>
    QueueAndWorker = 7,

    /// <summary>Autoscaling of the API replicas. Not built yet, so this stage runs the topology of stage 7.</summary>
    Autoscaling = 8,
}
