using System.ComponentModel;
using System.Diagnostics;

namespace ScaleApp.AppHost.Infrastructure.Containers;

/// <summary>Result of asking a container runtime whether its engine is running.</summary>
/// <param name="Runtime">The runtime's command, <c>docker</c> or <c>podman</c>, or null when none responded.</param>
/// <param name="Detail">The server version when it responded, otherwise why each runtime did not respond.</param>
/// <param name="RequiresRuntimeSetting">
/// True when Podman responded while an installed Docker CLI did not and no runtime is configured.
/// Aspire picks the Docker CLI whenever it finds one, so ASPIRE_CONTAINER_RUNTIME must be set to podman.
/// </param>
internal sealed record ContainerRuntimeStatus(string? Runtime, string Detail, bool RequiresRuntimeSetting = false)
{
    public bool IsAvailable => Runtime is not null;
}

/// <summary>Checks whether a container engine responds, so the AppHost can choose or require containers mode.</summary>
internal interface IContainerRuntimeProbe
{
    ContainerRuntimeStatus Probe();
}

/// <summary>
/// Requests the server version from the container runtime Aspire would use, with a short timeout.
/// When the runtime is configured (<c>ASPIRE_CONTAINER_RUNTIME</c>, or <c>--dcp-container-runtime</c>)
/// only that one is probed; otherwise Docker first, then Podman.
/// </summary>
internal sealed class ContainerRuntimeProbe(IConfiguration configuration) : IContainerRuntimeProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan OutputReadTimeout = TimeSpan.FromSeconds(1);

    // The keys Aspire reads the runtime from, in its order of precedence.
    private static readonly string[] RuntimeSettingKeys =
        ["DcpPublisher:ContainerRuntime", "ASPIRE_CONTAINER_RUNTIME", "DOTNET_ASPIRE_CONTAINER_RUNTIME"];

    private static readonly Dictionary<string, string[]> VersionCommands = new(StringComparer.Ordinal)
    {
        ["docker"] = ["info", "--format", "{{.ServerVersion}}"],
        ["podman"] = ["info", "--format", "{{.Version.Version}}"],
    };

    /// <summary>Returns the runtime configured for Aspire, or null when none is configured.</summary>
    public string? ConfiguredRuntime => RuntimeSettingKeys
        .Select(key => configuration[key])
        .FirstOrDefault(value => !string.IsNullOrWhiteSpace(value))?
        .Trim()
        .ToLowerInvariant();

    public ContainerRuntimeStatus Probe()
    {
        var configured = ConfiguredRuntime;
        if (configured is not null && !VersionCommands.ContainsKey(configured))
        {
            return new ContainerRuntimeStatus(null,
                $"ASPIRE_CONTAINER_RUNTIME is '{configured}', but Aspire supports only 'docker' and 'podman'");
        }

        string[] candidates = configured is null ? ["docker", "podman"] : [configured];
        var failures = new List<string>();
        var dockerCliInstalled = false;

        foreach (var runtime in candidates)
        {
            var result = RunCommand(runtime, VersionCommands[runtime], Timeout);
            if (result.Responded)
            {
                var requiresSetting = configured is null && runtime == "podman" && dockerCliInstalled;
                return new ContainerRuntimeStatus(runtime, $"{runtime} server version {result.Output}", requiresSetting);
            }

            dockerCliInstalled |= runtime == "docker" && result.Started;
            failures.Add($"{runtime}: {result.Output}");
        }

        return new ContainerRuntimeStatus(null, string.Join("; ", failures));
    }

    /// <summary>
    /// Runs a command and returns whether it started and whether it exited with code 0 after printing
    /// something, together with the first line it printed (standard output when it responded, standard
    /// error otherwise) or the reason it failed. A command still running after
    /// <paramref name="timeout"/> is killed.
    /// </summary>
    internal static CommandResult RunCommand(string command, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };

        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Win32Exception)
        {
            return new CommandResult(Started: false, Responded: false, "not installed (not found on PATH)");
        }

        if (process is null)
        {
            return new CommandResult(Started: false, Responded: false, "did not start");
        }

        using (process)
        {
            var standardOutput = process.StandardOutput.ReadToEndAsync();
            var standardError = process.StandardError.ReadToEndAsync();

            if (!process.WaitForExit(timeout))
            {
                KillTree(process);
                return new CommandResult(Started: true, Responded: false, $"timed out after {timeout.TotalSeconds:0.#} s");
            }

            // A child process that inherited the pipes could keep them open after the command exits,
            // so reading the output is bounded too.
            var outputRead = Task.WaitAll([standardOutput, standardError], OutputReadTimeout);
            var output = outputRead ? FirstLine(standardOutput.Result) : string.Empty;
            if (process.ExitCode == 0 && output.Length > 0)
            {
                return new CommandResult(Started: true, Responded: true, output);
            }

            var error = outputRead ? FirstLine(standardError.Result) : string.Empty;
            return new CommandResult(Started: true, Responded: false, error.Length > 0 ? error : $"exited with code {process.ExitCode}");
        }
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // The process exited between the timeout and the kill.
        }
    }

    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? string.Empty;
}

/// <summary>Outcome of one probe command.</summary>
internal readonly record struct CommandResult(bool Started, bool Responded, string Output);
