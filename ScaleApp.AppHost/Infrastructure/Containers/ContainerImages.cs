namespace ScaleApp.AppHost.Infrastructure.Containers;

/// <summary>A container image pinned to one tag.</summary>
internal sealed record ContainerImage(string Registry, string Image, string Tag)
{
    public override string ToString() => $"{Registry}/{Image}:{Tag}";
}

/// <summary>
/// The images containers mode runs, each pinned to a tag so a run does not change under a kept data
/// volume or with a new Aspire version. PostgreSQL, Redis and RabbitMQ use the tags that
/// Aspire.Hosting 13.6.5 defaults to; PgBouncer and Mailpit have no Aspire integration.
/// </summary>
internal static class ContainerImages
{
    /// <summary>
    /// PostgreSQL for the primary and the hot standby, which must run the same major version. From
    /// PostgreSQL 18 on, the image keeps PGDATA in a version folder under <c>/var/lib/postgresql</c>.
    /// </summary>
    public static readonly ContainerImage Postgres = new("docker.io", "library/postgres", "18.3");

    public static readonly ContainerImage Redis = new("docker.io", "library/redis", "8.6");

    /// <summary>RabbitMQ; the management plugin turns the tag into <c>4.3-management</c>.</summary>
    public static readonly ContainerImage RabbitMQ = new("docker.io", "library/rabbitmq", "4.3");

    /// <summary>
    /// PgBouncer 1.25.2 on Alpine, built from the PgBouncer release tarball by edoburu/docker-pgbouncer
    /// and published by its maintainer for each release. Its own entry point is replaced by a script
    /// that writes the whole configuration, so the image's environment variables are not used.
    /// </summary>
    public static readonly ContainerImage PgBouncer = new("docker.io", "edoburu/pgbouncer", "v1.25.2-p0");

    /// <summary>Mailpit: an SMTP sink with a web inbox.</summary>
    public static readonly ContainerImage Mailpit = new("docker.io", "axllent/mailpit", "v1.30.5");

    /// <summary>Folder where PostgreSQL 18 images keep their data (PGDATA is a version folder under it).</summary>
    public const string PostgresDataMountPath = "/var/lib/postgresql";
}

internal static class ContainerImageExtensions
{
    /// <summary>Sets the container's registry, image and tag to <paramref name="image"/>.</summary>
    public static IResourceBuilder<T> WithPinnedImage<T>(this IResourceBuilder<T> container, ContainerImage image)
        where T : ContainerResource
    {
        return container
            .WithImage(image.Image, image.Tag)
            .WithImageRegistry(image.Registry);
    }
}
