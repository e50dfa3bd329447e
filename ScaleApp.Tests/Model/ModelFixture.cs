namespace ScaleApp.Tests.Model;

/// <summary>
/// Builds the AppHost's model once per test class in each infrastructure mode, plus containers mode
/// with kept data, with PgBouncer pool sizes that differ from the defaults so tests can see them flow.
/// </summary>
public sealed class ModelFixture : IAsyncLifetime
{
    public const int DefaultPoolSize = 17;
    public const int MaxClientConnections = 345;

    private static readonly string[] PoolArguments =
    [
        $"--ScaleApp:PgBouncer:DefaultPoolSize={DefaultPoolSize}",
        $"--ScaleApp:PgBouncer:MaxClientConnections={MaxClientConnections}",
    ];

    private ModelUnderTest? _processes;
    private ModelUnderTest? _containers;
    private ModelUnderTest? _containersKeepingData;

    public ModelUnderTest Processes => _processes ?? throw new InvalidOperationException("The processes model is not built.");

    public ModelUnderTest Containers => _containers ?? throw new InvalidOperationException("The containers model is not built.");

    /// <summary>Containers mode with <c>ScaleApp:KeepData=true</c>, which adds named data volumes.</summary>
    public ModelUnderTest ContainersKeepingData => _containersKeepingData ?? throw new InvalidOperationException("The containers model with kept data is not built.");

    public ModelUnderTest For(string mode) => mode switch
    {
        "processes" => Processes,
        "containers" => Containers,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Expected 'processes' or 'containers'."),
    };

    public async Task InitializeAsync()
    {
        _processes = await ModelUnderTest.BuildAsync("processes", PoolArguments);
        _containers = await ModelUnderTest.BuildAsync("containers", PoolArguments);
        _containersKeepingData = await ModelUnderTest.BuildAsync("containers", [.. PoolArguments, "--ScaleApp:KeepData=true"]);
    }

    public async Task DisposeAsync()
    {
        foreach (var model in new[] { _processes, _containers, _containersKeepingData })
        {
            if (model is not null)
            {
                await model.DisposeAsync();
            }
        }
    }
}
