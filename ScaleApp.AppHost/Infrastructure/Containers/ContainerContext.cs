namespace ScaleApp.AppHost.Infrastructure.Containers;

/// <summary>What every container resource needs: the scripts it mounts and whether its data outlives the run.</summary>
/// <param name="ScriptsDirectory">Folder of the container-side scripts in the AppHost project.</param>
/// <param name="UseDataVolumes">
/// True when databases, broker and mailbox keep their data in named volumes between runs
/// (<c>ScaleApp:KeepData</c>); false when the data lives in the container and goes with it.
/// </param>
internal sealed record ContainerContext(string ScriptsDirectory, bool UseDataVolumes)
{
    /// <summary>Folder inside each container where the AppHost mounts its scripts.</summary>
    public const string MountedScriptsDirectory = "/scaleapp";

    /// <summary>Returns the full path of a script shipped with the AppHost.</summary>
    public string Script(string fileName) => Path.Combine(ScriptsDirectory, fileName);

    /// <summary>Returns the path at which <see cref="MountScript{T}"/> makes a script visible in the container.</summary>
    public static string MountedScript(string fileName) => $"{MountedScriptsDirectory}/{fileName}";

    /// <summary>Bind-mounts one script read-only into the container at <see cref="MountedScript"/>.</summary>
    public IResourceBuilder<T> MountScript<T>(IResourceBuilder<T> container, string fileName)
        where T : ContainerResource
    {
        return container.WithBindMount(Script(fileName), MountedScript(fileName), isReadOnly: true);
    }
}
