using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace ScaleApp.Tests.Model;

/// <summary>
/// The AppHost's model in one infrastructure mode. Tests read its resources without starting it. Environment
/// variables and arguments are evaluated in publish mode, which renders parameters and endpoints as expressions
/// such as <c>{redis-password.value}</c> and <c>{postgres.bindings.tcp.host}</c>, so a test can see where each
/// value comes from.
/// </summary>
/// <remarks>
/// NOTE: evaluating a resource's configuration builds the app, and with Aspire 13.6's testing builder the AppHost's
/// entry point then resumes and runs it, so the model's servers start in the background until the model is
/// disposed. No assertion depends on them, but they use CPU while other tests run, and models that share a fixed
/// public port log bind failures. A try with a service provider of the builder's services instead of the app hung,
/// most likely in disposing the builder that was never built. Avoiding the start needs the AppHost's composition
/// callable on a plain builder.
/// </remarks>
public sealed class ModelUnderTest : IAsyncDisposable
{
    private readonly IDistributedApplicationTestingBuilder _builder;
    private DistributedApplication? _app;

    private ModelUnderTest(IDistributedApplicationTestingBuilder builder, string mode)
    {
        _builder = builder;
        Mode = mode;
    }

    /// <summary>The <c>ScaleApp:Infrastructure</c> value the model was built with.</summary>
    public string Mode { get; }

    public IDistributedApplicationTestingBuilder Builder => _builder;

    public static async Task<ModelUnderTest> BuildAsync(string mode, params string[] extraArguments)
    {
        string[] arguments =
        [
            $"--ScaleApp:Infrastructure={mode}",
            "--ScaleApp:GatewayPort=0",
            "--ScaleApp:ApiReplicas=3",
            .. extraArguments,
        ];

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ScaleApp_AppHost>(arguments);
        return new ModelUnderTest(builder, mode);
    }

    public IResource Resource(string name)
    {
        var resource = _builder.Resources.SingleOrDefault(candidate => candidate.Name == name);
        Assert.True(resource is not null, $"The {Mode} model has no resource '{name}'.");
        return resource;
    }

    public T Resource<T>(string name) where T : IResource
    {
        return Assert.IsAssignableFrom<T>(Resource(name));
    }

    public async Task<IReadOnlyDictionary<string, string>> EnvironmentAsync(string name)
    {
        var configuration = await ExecutionConfigurationAsync(name);
        return configuration.EnvironmentVariables.ToDictionary(pair => pair.Key, pair => pair.Value);
    }

    public async Task<IReadOnlyList<string>> ArgumentsAsync(string name)
    {
        var configuration = await ExecutionConfigurationAsync(name);
        return configuration.Arguments.Select(argument => argument.Value).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await _builder.DisposeAsync();
    }

    private async Task<IExecutionConfigurationResult> ExecutionConfigurationAsync(string name)
    {
        // Building the app (without starting it) gives the service provider that evaluating a
        // resource's configuration needs.
        _app ??= await _builder.BuildAsync();
        var executionContext = new DistributedApplicationExecutionContext(
            new DistributedApplicationExecutionContextOptions(DistributedApplicationOperation.Publish) { Services = _app.Services });

        var configuration = await ExecutionConfigurationBuilder.Create(Resource(name))
            .WithEnvironmentVariablesConfig()
            .WithArgumentsConfig()
            .BuildAsync(executionContext);

        if (configuration.Exception is not null)
        {
            throw configuration.Exception;
        }

        return configuration;
    }
}
