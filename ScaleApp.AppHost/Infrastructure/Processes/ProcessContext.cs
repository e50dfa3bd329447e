namespace ScaleApp.AppHost.Infrastructure.Processes;

/// <summary>What every local-process resource needs: the run folder, the located binaries and the start scripts.</summary>
internal sealed class ProcessContext(RunFolder runFolder, HostBinaries binaries, string scriptsDirectory)
{
    public RunFolder RunFolder { get; } = runFolder;

    public HostBinaries Binaries { get; } = binaries;

    /// <summary>Returns the full path of a start script shipped with the AppHost.</summary>
    public string Script(string fileName) => Path.Combine(scriptsDirectory, fileName);
}

internal static class LoopbackEndpointExtensions
{
    /// <summary>
    /// Adds a TCP endpoint on 127.0.0.1 without Aspire's proxy, so clients reach the server itself
    /// with no extra hop. DCP allocates a free port per run and passes it in <paramref name="portVariable"/>.
    /// </summary>
    public static IResourceBuilder<T> WithLoopbackEndpoint<T>(this IResourceBuilder<T> builder, string name, string portVariable)
        where T : IResourceWithEndpoints
    {
        return builder
            .WithEndpoint(scheme: "tcp", name: name, env: portVariable, isProxied: false)
            .WithEndpoint(name, endpoint => endpoint.TargetHost = "127.0.0.1", createIfNotExists: false);
    }
}
