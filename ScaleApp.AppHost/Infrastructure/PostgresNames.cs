namespace ScaleApp.AppHost.Infrastructure;

/// <summary>Role of a PostgreSQL server in streaming replication.</summary>
internal enum PostgresRole
{
    Primary,
    HotStandby,
}

/// <summary>Names shared by the PostgreSQL servers, PgBouncer and the services.</summary>
internal static class PostgresNames
{
    public const string Database = "scaleapp";
    public const string Superuser = "postgres";
    public const string ApplicationUser = "scaleapp";
    public const string ReplicationUser = "replicator";

    /// <summary>PgBouncer's logical database for the primary.</summary>
    public const string PooledPrimary = "scaleapp";

    /// <summary>PgBouncer's logical database for the hot standby.</summary>
    public const string PooledReplica = "scaleapp_replica";
}
