using ScaleApp.AppHost.Infrastructure.HealthChecks;

namespace ScaleApp.AppHost.Infrastructure.Processes;

internal static class MailSinkProcessExtensions
{
    /// <summary>
    /// Adds an SMTP sink (aiosmtpd) as a local process that stores each message it receives as a
    /// file in a Maildir, where a developer or a test can read it.
    /// </summary>
    public static IResourceBuilder<MailSinkProcessResource> AddMailSinkProcess(
        this IDistributedApplicationBuilder builder,
        string name,
        ProcessContext context)
    {
        var resourceDirectory = context.RunFolder.ForResource(name);
        var maildir = Path.Combine(resourceDirectory, "maildir");
        var resource = new MailSinkProcessResource(name, context.Binaries.Python, resourceDirectory, maildir);

        var endpoint = resource.PrimaryEndpoint;

        return builder.AddResource(resource)
            .WithArgs(context =>
            {
                context.Args.Add("-m");
                context.Args.Add("aiosmtpd");
                context.Args.Add("--nosetuid");
                context.Args.Add("--listen");
                context.Args.Add(ReferenceExpression.Create($"127.0.0.1:{endpoint.Property(EndpointProperty.TargetPort)}"));
                context.Args.Add("--class");
                context.Args.Add("aiosmtpd.handlers.Mailbox");
                context.Args.Add(maildir);
            })
            .WithEnvironment("PYTHONUNBUFFERED", "1")
            .WithLoopbackEndpoint(MailSinkProcessResource.EndpointName, "SMTP_PORT")
            .WithEndpoint(MailSinkProcessResource.EndpointName, e => e.UriScheme = "smtp", createIfNotExists: false)
            .WithReadinessCheck(() => new SmtpHealthCheck(resource, MailSinkProcessResource.EndpointName));
    }
}
