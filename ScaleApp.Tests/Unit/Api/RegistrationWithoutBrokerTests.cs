using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using ScaleApp.Api.Outbox;
using ScaleApp.Api.Users;

namespace ScaleApp.Tests.Unit.Api;

public sealed class RegistrationWithoutBrokerTests
{
    [Fact]
    public void NoBrokerRegistersNoClientOrRelay()
    {
        var builder = ApiRegistrations.CreateBuilder(ApiRegistrations.Without("rabbitmq"));

        builder.AddOutbox();

        Assert.DoesNotContain(builder.Services, service => service.ServiceType == typeof(IConnection));
        Assert.DoesNotContain(builder.Services, service => service.ImplementationType == typeof(OutboxRelay));
        using var services = builder.Services.BuildServiceProvider();
        Assert.NotNull(services.GetRequiredService<OutboxSignal>());
    }

    [Fact]
    public void BrokerRegistersClientAndRelay()
    {
        var builder = ApiRegistrations.CreateBuilder(ApiRegistrations.FullTopology());

        builder.AddOutbox();

        Assert.Contains(builder.Services, service => service.ServiceType == typeof(IConnection));
        Assert.Contains(builder.Services, service => service.ServiceType == typeof(IHostedService) && service.ImplementationType == typeof(OutboxRelay));
    }

    [Fact]
    public void NoBrokerSendsEmailInRequest()
    {
        var options = FromSettings(ApiRegistrations.Without("rabbitmq"));

        Assert.True(options.SendEmailInRequest);
        Assert.Equal(new SmtpEndpoint("127.0.0.1", 5), options.MailEndpoint);
    }

    [Fact]
    public void BrokerQueuesEmailThroughOutbox()
    {
        var options = FromSettings(ApiRegistrations.FullTopology());

        Assert.False(options.SendEmailInRequest);
        Assert.Null(options.MailEndpoint);
    }

    [Fact]
    public void ExplicitInRequestWithBrokerWins()
    {
        var settings = ApiRegistrations.FullTopology();
        settings[RegistrationOptions.SendEmailInRequestSetting] = "true";

        var options = FromSettings(settings);

        Assert.True(options.SendEmailInRequest);
        Assert.NotNull(options.MailEndpoint);
    }

    [Fact]
    public void NoBrokerAndNoMailFailsNamingBoth()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => FromSettings(ApiRegistrations.Without("rabbitmq", "mail")));

        Assert.Contains("ConnectionStrings:rabbitmq", exception.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:mail", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoBrokerAndInvalidMailFails()
    {
        var settings = ApiRegistrations.Without("rabbitmq");
        settings["ConnectionStrings:mail"] = "Endpoint=http://127.0.0.1:5";

        var exception = Assert.Throws<InvalidOperationException>(() => FromSettings(settings));

        Assert.Contains("Endpoint=http://127.0.0.1:5", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExplicitOutboxWithoutBrokerFails()
    {
        var settings = ApiRegistrations.Without("rabbitmq");
        settings[RegistrationOptions.SendEmailInRequestSetting] = "false";

        var exception = Assert.Throws<InvalidOperationException>(() => FromSettings(settings));

        Assert.Contains("ConnectionStrings:rabbitmq", exception.Message, StringComparison.Ordinal);
        Assert.Contains(RegistrationOptions.SendEmailInRequestSetting, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StartWithoutBrokerAndMailFails()
    {
        var builder = ApiRegistrations.CreateBuilder(ApiRegistrations.Without("rabbitmq", "mail"));

        var exception = Assert.Throws<InvalidOperationException>(() => builder.AddUsers());

        Assert.Contains("ConnectionStrings:mail", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoBrokerRegistersInRequestEmail()
    {
        var builder = ApiRegistrations.CreateBuilder(ApiRegistrations.Without("rabbitmq"));

        builder.AddUsers();

        Assert.Contains(builder.Services, service => service.ServiceType == typeof(InRequestWelcomeEmail));
    }

    private static RegistrationOptions FromSettings(IDictionary<string, string?> settings) =>
        RegistrationOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
}
