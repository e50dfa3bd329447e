using System.Diagnostics;
using System.Globalization;

namespace ScaleApp.AppHost.Stages;

internal static class CpuPinning
{
    /// <summary>
    /// Pins every server of the model to the CPU set of its tier at <paramref name="stage"/>
    /// (see <see cref="CpuSets"/>). Local processes are pinned with <c>taskset</c> once ready, with their
    /// child processes and threads; .NET services also get <c>DOTNET_PROCESSOR_COUNT</c>, so their thread
    /// pool and GC size themselves to the set. Containers get <c>--cpuset-cpus</c>. Call it after every
    /// resource is added.
    /// </summary>
    public static void PinServersToCpuSets(this IDistributedApplicationBuilder builder, StagePlan stage)
    {
        if (builder.ExecutionContext.IsRunMode && !OperatingSystem.IsLinux())
        {
            throw new DistributedApplicationException(
                "ScaleApp:PinCpus=true needs Linux (taskset and /proc). Run without it on this operating system.");
        }

        var available = CpuSets.Available();
        foreach (var resource in builder.Resources.ToArray())
        {
            var cpus = CpuSets.For(stage.Stage, CpuSets.TierOf(resource.Name), available);
            var cpuList = CpuSets.Format(cpus);

            switch (resource)
            {
                // Aspire's hidden "<project>-rebuilder" executables (an internal type) only build projects on request.
                case ExecutableResource when resource.GetType().Name == "ProjectRebuilderResource":
                    break;
                case ContainerResource container:
                    builder.CreateResourceBuilder(container).WithContainerRuntimeArgs($"--cpuset-cpus={cpuList}");
                    break;
                case ProjectResource project:
                    builder.CreateResourceBuilder(project)
                        .WithEnvironment("DOTNET_PROCESSOR_COUNT", cpus.Count.ToString(CultureInfo.InvariantCulture))
                        .WithAnnotation(new CpuSetAnnotation(cpuList));
                    PinWhenReady(builder, project, cpuList);
                    break;
                case ExecutableResource executable:
                    builder.CreateResourceBuilder(executable).WithAnnotation(new CpuSetAnnotation(cpuList));
                    PinWhenReady(builder, executable, cpuList);
                    break;
            }
        }
    }

    private static void PinWhenReady(IDistributedApplicationBuilder builder, IResource resource, string cpuList)
    {
        builder.Eventing.Subscribe<ResourceReadyEvent>(resource, async (@event, cancellationToken) =>
        {
            var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ScaleApp.AppHost.CpuPinning");
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();

            if (!notifications.TryGetCurrentState(resource.Name, out var current)
                || current.Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value is not { } pidValue
                || !int.TryParse(Convert.ToString(pidValue, CultureInfo.InvariantCulture), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                logger.LogWarning("Could not pin {Resource} to CPUs {Cpus}: its process id is not known", resource.Name, cpuList);
                return;
            }

            var processes = ProcessTree(pid);
            var failures = 0;
            foreach (var process in processes)
            {
                if (!await TrySetAffinityAsync(process, cpuList, logger, cancellationToken))
                {
                    failures++;
                }
            }

            logger.LogInformation(
                "Pinned {Resource} (pid {Pid} and {ChildCount} child processes) to CPUs {Cpus}, with {FailureCount} failures",
                resource.Name, pid, processes.Count - 1, cpuList, failures);
        });
    }

    // taskset -a sets every thread of a process; threads and processes created later inherit the set.
    private static async Task<bool> TrySetAffinityAsync(int pid, string cpuList, ILogger logger, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("taskset")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "-a", "-p", "-c", cpuList, pid.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var taskset = Process.Start(start)!;
            var error = await taskset.StandardError.ReadToEndAsync(cancellationToken);
            await taskset.WaitForExitAsync(cancellationToken);
            if (taskset.ExitCode == 0)
            {
                return true;
            }

            // A process that exited in the meantime (a short-lived PostgreSQL backend) needs no pinning.
            if (Directory.Exists($"/proc/{pid}"))
            {
                logger.LogWarning("taskset could not pin pid {Pid} to CPUs {Cpus}: {Error}", pid, cpuList, error.Trim());
            }

            return false;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            logger.LogWarning(exception, "Could not run taskset (package util-linux) to pin pid {Pid} to CPUs {Cpus}", pid, cpuList);
            return false;
        }
    }

    /// <summary>Returns <paramref name="root"/> and every process descended from it, from /proc.</summary>
    private static List<int> ProcessTree(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || TryReadParent(folder) is not { } parent)
            {
                continue;
            }

            if (!children.TryGetValue(parent, out var list))
            {
                children[parent] = list = [];
            }

            list.Add(pid);
        }

        var tree = new List<int> { root };
        for (var index = 0; index < tree.Count; index++)
        {
            if (children.TryGetValue(tree[index], out var list))
            {
                tree.AddRange(list);
            }
        }

        return tree;
    }

    // /proc/<pid>/stat is "pid (comm) state ppid ...". The command name may contain spaces and
    // parentheses, so the fields are counted from the last closing parenthesis.
    private static int? TryReadParent(string processFolder)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(processFolder, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent) ? parent : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>CPU list a server is pinned to, such as <c>0</c> or <c>0,1</c>.</summary>
internal sealed record CpuSetAnnotation(string CpuList) : IResourceAnnotation;
