namespace ScaleApp.Tests.Model;

/// <summary>
/// Builds the AppHost's model for every scaling stage in local-process mode, and for a few stages in
/// containers mode, once per test class. The public port is fixed so tests can see which resource owns it.
/// </summary>
public sealed class StageModelFixture : IAsyncLifetime
{
    public const int PublicPort = 18080;

    public static readonly int[] ContainerStages = [0, 3, 6];

    private readonly Dictionary<(string Mode, int Stage), ModelUnderTest> _models = [];

    public ModelUnderTest For(int stage, string mode = "processes") =>
        _models.TryGetValue((mode, stage), out var model)
            ? model
            : throw new InvalidOperationException($"No {mode} model of stage {stage} was built.");

    public async Task InitializeAsync()
    {
        for (var stage = 0; stage <= 8; stage++)
        {
            _models[("processes", stage)] = await BuildAsync("processes", stage);
        }

        foreach (var stage in ContainerStages)
        {
            _models[("containers", stage)] = await BuildAsync("containers", stage);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var model in _models.Values)
        {
            await model.DisposeAsync();
        }
    }

    private static Task<ModelUnderTest> BuildAsync(string mode, int stage) =>
        ModelUnderTest.BuildAsync(mode, $"--ScaleApp:Stage={stage}", $"--ScaleApp:GatewayPort={PublicPort}");
}
