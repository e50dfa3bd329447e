using ScaleApp.AppHost.Infrastructure.HealthChecks;

namespace ScaleApp.AppHost.Infrastructure.Containers;

internal static class MailpitContainerExtensions
{
    private const string DataPath = "/data";

    /// <summary>
    /// Adds Mailpit as a container: an SMTP sink (no TLS, no auth) whose web inbox the dashboard links
    /// to. Healthy when its SMTP endpoint greets a client, like the local-process sink.
    /// </summary>
    public static IResourceBuilder<MailpitContainerResource> AddMailpitContainer(
        this IDistributedApplicationBuilder builder,
        string name,
        ContainerContext context)
    {
        var resource = new MailpitContainerResource(name);

        var mail = builder.AddResource(resource)
            .WithPinnedImage(ContainerImages.Mailpit)
            .WithEndpoint(targetPort: MailpitContainerResource.SmtpPort, name: MailpitContainerResource.SmtpEndpointName, scheme: "smtp")
            .WithHttpEndpoint(targetPort: MailpitContainerResource.InboxPort, name: MailpitContainerResource.InboxEndpointName)
            .WithUrlForEndpoint(MailpitContainerResource.InboxEndpointName, url => url.DisplayText = "Inbox")
            .WithIconName("Mail")
            .WithReadinessCheck(() => new SmtpHealthCheck(resource, MailpitContainerResource.SmtpEndpointName));

        // Without MP_DATABASE Mailpit keeps messages in a temporary file that is removed when it stops.
        if (context.UseDataVolumes)
        {
            mail.WithVolume(VolumeNameGenerator.Generate(mail, "data"), DataPath)
                .WithEnvironment("MP_DATABASE", $"{DataPath}/mailpit.db");
        }

        return mail;
    }
}
