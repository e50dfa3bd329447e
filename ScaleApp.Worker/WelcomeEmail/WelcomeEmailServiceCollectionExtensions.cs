using ScaleApp.Worker.Messaging;

namespace ScaleApp.Worker.WelcomeEmail;

internal static class WelcomeEmailServiceCollectionExtensions
{
    /// <summary>
    /// Registers the welcome-email consumer, its SMTP sender, the delivery store, the metrics and
    /// the readiness check. Expects the RabbitMQ connection and the primary-db data source to be registered.
    /// </summary>
    public static IHostApplicationBuilder AddWelcomeEmail(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WelcomeEmailOptions>()
            .BindConfiguration(WelcomeEmailOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Parsed when the consumer is created at start-up, so a missing or malformed endpoint stops the host with a clear error.
        builder.Services.AddSingleton(_ => MailEndpoint.Parse(builder.Configuration.GetConnectionString(MailEndpoint.ConnectionName)));

        builder.Services.AddSingleton<WelcomeEmailTelemetry>();
        builder.Services.AddSingleton<WelcomeEmailSender>();
        builder.Services.AddSingleton<EmailDeliveryStore>();
        builder.Services.AddSingleton<WelcomeEmailHandler>();
        builder.Services.AddSingleton<WelcomeEmailConsumerStatus>();
        builder.Services.AddHostedService<WelcomeEmailConsumer>();

        builder.Services.AddHealthChecks()
            .AddCheck<WelcomeEmailConsumerHealthCheck>("welcome-email-consumer");

        return builder;
    }
}
