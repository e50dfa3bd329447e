using Aspire.Hosting.ApplicationModel;
using ScaleApp.AppHost.Infrastructure;
using ScaleApp.AppHost.Stages;

namespace ScaleApp.Tests.Model;

/// <summary>
/// Checks that each stage of the scaling story (ScaleApp:Stage) has exactly its resources, and that
/// each service references exactly the infrastructure the stage runs.
/// </summary>
[Collection(StageModelCollection.Name)]
public sealed class StageModelTests(StageModelFixture models) : IClassFixture<StageModelFixture>
{
    private static readonly string[] OneServer = ["api-0", "mail", "migrations", "postgres", "primary-db"];
    private static readonly string[] GatewayAndReplicas = [.. OneServer, "api-1", "api-2", "gateway", "pgbouncer"];
    private static readonly string[] WithRedis = [.. GatewayAndReplicas, "redis"];
    private static readonly string[] WithReadReplica = [.. WithRedis, "postgres-replica", "replica-db"];
    private static readonly string[] WithQueue = [.. WithReadReplica, "rabbitmq", "worker"];

    public static readonly TheoryData<int, string[]> StageResources = new()
    {
        { 0, OneServer },
        { 1, OneServer },
        { 2, OneServer },
        { 3, GatewayAndReplicas },
        { 4, WithRedis },
        { 5, WithRedis },
        { 6, WithReadReplica },
        { 7, WithQueue },
        { 8, WithQueue },
    };

    public static readonly TheoryData<int, string[]> ApiConnections = new()
    {
        { 0, ["mail", "primary-db"] },
        { 1, ["mail", "primary-db"] },
        { 2, ["mail", "primary-db"] },
        { 3, ["mail", "primary-db"] },
        { 4, ["mail", "primary-db", "redis"] },
        { 5, ["mail", "primary-db", "redis"] },
        { 6, ["mail", "primary-db", "redis", "replica-db"] },
        { 7, ["primary-db", "rabbitmq", "redis", "replica-db"] },
        { 8, ["primary-db", "rabbitmq", "redis", "replica-db"] },
    };

    public static readonly TheoryData<int> Stages = new() { 0, 1, 2, 3, 4, 5, 6, 7, 8 };

    public static readonly TheoryData<int> ContainerStages = new(StageModelFixture.ContainerStages);

    [Theory]
    [MemberData(nameof(StageResources))]
    public void StageHasExactlyItsResources(int stage, string[] expected)
    {
        Assert.Equal(expected.Order(StringComparer.Ordinal), ResourceNames(models.For(stage)));
    }

    [Theory]
    [MemberData(nameof(ContainerStages))]
    public void ContainerStageHasSameResources(int stage)
    {
        Assert.Equal(ResourceNames(models.For(stage)), ResourceNames(models.For(stage, "containers")));
    }

    [Theory]
    [MemberData(nameof(ApiConnections))]
    public async Task ApiReferencesOnlyStageInfrastructure(int stage, string[] expected)
    {
        var model = models.For(stage);
        var replicas = model.Builder.Resources.OfType<ProjectResource>().Where(resource => resource.Name.StartsWith("api-", StringComparison.Ordinal));

        foreach (var replica in replicas)
        {
            var environment = await model.EnvironmentAsync(replica.Name);
            Assert.Equal(expected, ConnectionNames(environment));
        }
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void PrimaryDbGoesThroughPgBouncerFromStage3(int stage)
    {
        var primaryDb = models.For(stage).Resource("primary-db");

        if (stage >= 3)
        {
            var pooled = Assert.IsType<PgBouncerDatabaseResource>(primaryDb);
            Assert.Equal("pgbouncer", pooled.Parent.Name);
        }
        else
        {
            var direct = Assert.IsType<DirectDatabaseResource>(primaryDb);
            Assert.Equal("postgres", direct.Parent.Name);
        }
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task DirectConnectionKeepsNpgsqlDefaults(int stage)
    {
        var connectionString = await ((IResourceWithConnectionString)models.For(stage).Resource("primary-db"))
            .ConnectionStringExpression.GetValueAsync(CancellationToken.None);

        // Only PgBouncer's transaction pooling needs these, because a direct connection keeps its session.
        Assert.Equal(stage >= 3, connectionString?.Contains("No Reset On Close=true", StringComparison.Ordinal));
        Assert.Equal(stage >= 3, connectionString?.Contains("Max Auto Prepare=0", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task PostgresIsTunedFromStage2(int stage)
    {
        var arguments = await models.For(stage).ArgumentsAsync("postgres");

        Assert.Equal(stage >= 2, arguments.Any(argument => argument.StartsWith("shared_buffers=", StringComparison.Ordinal)));
        Assert.Equal(stage >= 2, arguments.Any(argument => argument.StartsWith("effective_cache_size=", StringComparison.Ordinal)));
        Assert.Contains("wal_level=replica", arguments);
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task PgBouncerPoolsReplicaFromStage6(int stage)
    {
        if (stage < 3)
        {
            Assert.DoesNotContain(models.For(stage).Builder.Resources, resource => resource.Name == "pgbouncer");
            return;
        }

        var environment = await models.For(stage).EnvironmentAsync("pgbouncer");

        Assert.Equal(stage >= 6, environment.ContainsKey("REPLICA_PORT"));
        Assert.Contains("PRIMARY_PORT", environment.Keys);
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task GatewayCachesAssetsFromStage5(int stage)
    {
        var model = models.For(stage);
        if (stage < 3)
        {
            Assert.DoesNotContain(model.Builder.Resources, resource => resource.Name == "gateway");
            return;
        }

        var environment = await model.EnvironmentAsync("gateway");
        var gateway = model.Resource<ProjectResource>("gateway");

        Assert.Equal(stage >= 5 ? "true" : "false", environment["Gateway__EdgeCache__Enabled"]);
        Assert.Equal(stage >= 5, gateway.Annotations.OfType<EndpointAnnotation>().Any(endpoint => endpoint.Name == "admin"));
        Assert.Equal(["api-0", "api-1", "api-2"], environment.Keys
            .Where(key => key.StartsWith("ReverseProxy__Clusters__api__Destinations__", StringComparison.Ordinal))
            .Select(key => key.Split("__")[4])
            .Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void PublicPortBelongsToEntryPoint(int stage)
    {
        var model = models.For(stage);
        var entryPoint = stage >= 3 ? "gateway" : "api-0";

        var endpoint = model.Resource(entryPoint).Annotations.OfType<EndpointAnnotation>().Single(annotation => annotation.Name == "http");
        Assert.Equal(StageModelFixture.PublicPort, endpoint.Port);
        Assert.True(endpoint.IsExternal, $"'{entryPoint}' is the public endpoint of stage {stage} but its endpoint is not external.");

        if (stage >= 3)
        {
            var api = model.Resource("api-0").Annotations.OfType<EndpointAnnotation>().Single(annotation => annotation.Name == "http");
            Assert.NotEqual(StageModelFixture.PublicPort, api.Port);
            Assert.False(api.IsExternal, "api-0 is behind the gateway from stage 3 but its endpoint is external.");
        }
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void ServicesWaitForDatabaseServer(int stage)
    {
        var model = models.For(stage);
        var server = stage >= 3 ? "pgbouncer" : "postgres";

        foreach (var service in new[] { "migrations", "api-0" })
        {
            var waits = model.Resource(service).Annotations.OfType<WaitAnnotation>();
            Assert.Contains(waits, wait => wait.Resource.Name == server && wait.WaitType == WaitType.WaitUntilHealthy);
        }
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void StageResourceShowsStage(int stage)
    {
        var resource = models.For(stage).Resource<ScalingStageResource>("stage");
        var snapshot = resource.Annotations.OfType<ResourceSnapshotAnnotation>().Single().InitialSnapshot;

        Assert.Equal((ScalingStage)stage, resource.Plan.Stage);
        Assert.StartsWith($"Stage {stage}: ", snapshot.State?.Text);
        Assert.Contains(snapshot.Properties, property => property.Name == "scaleapp.stage" && Equals(property.Value, stage));
    }

    [Fact]
    public async Task StageOutOfRangeFailsNamingSetting()
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => ModelUnderTest.BuildAsync("processes", "--ScaleApp:Stage=9"));

        var message = exception.ToString();
        Assert.Contains("ScaleApp:Stage is 9", message);
        Assert.Contains("from 0 to 8", message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(8)]
    public async Task PinningGivesTiersTheirCpuSets(int stage)
    {
        await using var model = await ModelUnderTest.BuildAsync("processes", $"--ScaleApp:Stage={stage}", "--ScaleApp:PinCpus=true");
        var available = CpuSets.Available();

        foreach (var (name, tier) in new[] { ("postgres", CpuTier.Database), ("api-0", CpuTier.Application), ("mail", CpuTier.Application) })
        {
            var expected = CpuSets.Format(CpuSets.For((ScalingStage)stage, tier, available));
            var annotation = model.Resource(name).Annotations.OfType<CpuSetAnnotation>().SingleOrDefault();
            Assert.True(annotation is not null, $"'{name}' is not pinned at stage {stage} with ScaleApp:PinCpus=true.");
            Assert.Equal(expected, annotation.CpuList);
        }

        var apiEnvironment = await model.EnvironmentAsync("api-0");
        Assert.Equal(CpuSets.For((ScalingStage)stage, CpuTier.Application, available).Count.ToString(), apiEnvironment["DOTNET_PROCESSOR_COUNT"]);
    }

    [Fact]
    public async Task PinningIsOffByDefault()
    {
        var model = models.For(0);

        Assert.DoesNotContain(model.Builder.Resources, resource => resource.Annotations.OfType<CpuSetAnnotation>().Any());
        Assert.DoesNotContain("DOTNET_PROCESSOR_COUNT", (await model.EnvironmentAsync("api-0")).Keys);
    }

    private static List<string> ResourceNames(ModelUnderTest model) => model.Builder.Resources
        .Where(resource => resource is not ParameterResource and not ScalingStageResource)
        // Aspire adds a hidden "<project>-rebuilder" executable (an internal type) for each project.
        .Where(resource => resource.GetType().Name != "ProjectRebuilderResource")
        .Select(resource => resource.Name)
        .Order(StringComparer.Ordinal)
        .ToList();

    // Aspire also writes each name with '_' for '-' (ConnectionStrings__primary_db); both forms count once.
    private static string[] ConnectionNames(IReadOnlyDictionary<string, string> environment) => environment.Keys
        .Where(key => key.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
        .Select(key => key["ConnectionStrings__".Length..].Replace('_', '-'))
        .Distinct()
        .Order(StringComparer.Ordinal)
        .ToArray();
}

// Building a dozen models takes seconds of CPU. Running alone, after the parallel collections, keeps
// that work away from the timing checks of the distributed tests.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StageModelCollection
{
    public const string Name = "stage-models";
}
