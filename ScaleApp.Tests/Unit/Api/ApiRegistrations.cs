using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ScaleApp.Tests.Unit.Api;

/// <summary>
/// Builders of the API's service registrations with chosen connection strings. Every address is a
/// closed loopback port: registration and resolution must not connect anywhere.
/// </summary>
internal static class ApiRegistrations
{
    public const string PrimaryDb = "Host=127.0.0.1;Port=1;Database=scaleapp;Username=scaleapp_app;Password=unused";
    public const string ReplicaDb = "Host=127.0.0.1;Port=2;Database=scaleapp;Username=scaleapp_app;Password=unused";
    public const string Redis = "127.0.0.1:3";
    public const string RabbitMQ = "amqp://127.0.0.1:4/";
    public const string Mail = "Endpoint=smtp://127.0.0.1:5";

    /// <summary>Every connection string an API replica receives in the full topology.</summary>
    public static Dictionary<string, string?> FullTopology() => new()
    {
        ["ConnectionStrings:primary-db"] = PrimaryDb,
        ["ConnectionStrings:replica-db"] = ReplicaDb,
        ["ConnectionStrings:redis"] = Redis,
        ["ConnectionStrings:rabbitmq"] = RabbitMQ,
        ["ConnectionStrings:mail"] = Mail,
        ["InstanceName"] = "api-test",
    };

    /// <summary>The full topology without the named connection strings, such as <c>redis</c>.</summary>
    public static Dictionary<string, string?> Without(params string[] connectionNames)
    {
        var settings = FullTopology();
        foreach (var name in connectionNames)
        {
            settings.Remove($"ConnectionStrings:{name}");
        }

        return settings;
    }

    /// <summary>
    /// Returns a Development web application builder whose configuration is exactly <paramref name="settings"/>.
    /// The test output folder contains other projects' appsettings.json, so the default sources are removed.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(IDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }
}
