using System.Diagnostics;

namespace ScaleApp.AppHost.Infrastructure.Processes;

/// <summary>
/// The folder that contains every local-process resource's data, configuration and sockets for one
/// AppHost run, one sub-folder per resource. A temporary run folder is removed when the AppHost
/// stops, while a kept one (<c>ScaleApp:KeepData</c>) is reused by the next run.
/// </summary>
internal sealed class RunFolder
{
    private const string RunFolderPrefix = "run-";

    private RunFolder(string path, bool isKept)
    {
        Path = path;
        IsKept = isKept;
    }

    public string Path { get; }

    public bool IsKept { get; }

    private readonly List<string> _resourceFolders = [];
    private readonly Lock _createLock = new();
    private bool _created;

    /// <summary>Returns the folder of one resource; <see cref="Create()"/> makes it when the first server starts.</summary>
    public string ForResource(string resourceName)
    {
        var folder = System.IO.Path.Combine(Path, resourceName);
        _resourceFolders.Add(folder);
        return folder;
    }

    /// <summary>
    /// Creates the run folder and every resource folder, and removes temporary run folders left by
    /// AppHosts that are no longer running. Only the first call does the work.
    /// </summary>
    public void Create()
    {
        lock (_createLock)
        {
            if (_created)
            {
                return;
            }

            CreateFolders();
            _created = true;
        }
    }

    private void CreateFolders()
    {
        if (!IsKept)
        {
            var root = System.IO.Path.GetDirectoryName(Path)!;
            CreateTraversable(root);
            RemoveAbandonedRuns(root);
        }

        CreateTraversable(Path);
        foreach (var folder in _resourceFolders)
        {
            CreateTraversable(folder);
        }
    }

    public static RunFolder For(IDistributedApplicationBuilder builder, ScaleAppSettings settings)
    {
        if (settings.KeepData)
        {
            var kept = System.IO.Path.GetFullPath(settings.DataDirectory, builder.AppHostDirectory);
            return new RunFolder(kept, isKept: true);
        }

        // The process id in the name lets a later run tell abandoned folders from live ones.
        var root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "scaleapp");
        var path = System.IO.Path.Combine(root, $"{RunFolderPrefix}{Environment.ProcessId}-{DateTime.UtcNow:yyyyMMddHHmmssfff}");
        return new RunFolder(path, isKept: false);
    }

    /// <summary>Deletes a temporary run folder; a kept one stays.</summary>
    public void RemoveIfTemporary()
    {
        if (IsKept)
        {
            return;
        }

        // Servers may still be exiting when the AppHost stops, so deletion is retried briefly.
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            try
            {
                if (Directory.Exists(Path))
                {
                    Directory.Delete(Path, recursive: true);
                }

                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(300));
            }
        }
    }

    private static void CreateTraversable(string path)
    {
        Directory.CreateDirectory(path);

        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // PostgreSQL and PgBouncer run as the 'postgres' user when the AppHost runs as root, and they
        // must be able to enter every folder on the way to their data directory.
        File.SetUnixFileMode(path,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
            UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    private static void RemoveAbandonedRuns(string root)
    {
        foreach (var folder in Directory.EnumerateDirectories(root, $"{RunFolderPrefix}*"))
        {
            var name = System.IO.Path.GetFileName(folder);
            var pidText = name[RunFolderPrefix.Length..].Split('-')[0];

            if (!int.TryParse(pidText, out var pid) || IsRunning(pid))
            {
                continue;
            }

            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A folder that cannot be removed now is tried again by the next run.
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
