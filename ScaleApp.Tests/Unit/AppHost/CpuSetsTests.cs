using ScaleApp.AppHost.Stages;

namespace ScaleApp.Tests.Unit.AppHost;

public sealed class CpuSetsTests
{
    private static readonly int[] TwoCpus = [0, 1];
    private static readonly int[] FourCpus = [2, 3, 4, 5];

    [Theory]
    [InlineData(0, "Database", "0")]
    [InlineData(0, "Application", "0")]
    [InlineData(1, "Database", "0,1")]
    [InlineData(1, "Application", "0,1")]
    [InlineData(2, "Database", "1")]
    [InlineData(2, "Application", "0")]
    [InlineData(8, "Database", "1")]
    [InlineData(8, "Application", "0")]
    public void TwoCpuHostSplitsByStage(int stage, string tier, string expected)
    {
        Assert.Equal(expected, CpuSets.Format(CpuSets.For((ScalingStage)stage, Enum.Parse<CpuTier>(tier), TwoCpus)));
    }

    [Theory]
    [InlineData(0, "Database", "2")]
    [InlineData(1, "Application", "2,3,4,5")]
    [InlineData(6, "Application", "2,3")]
    [InlineData(6, "Database", "4,5")]
    public void LargerHostSplitsIntoHalves(int stage, string tier, string expected)
    {
        Assert.Equal(expected, CpuSets.Format(CpuSets.For((ScalingStage)stage, Enum.Parse<CpuTier>(tier), FourCpus)));
    }

    [Fact]
    public void SingleCpuHostKeepsItsCpu()
    {
        Assert.Equal("3", CpuSets.Format(CpuSets.For(ScalingStage.SeparateDatabase, CpuTier.Database, [3])));
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("0-3", "0,1,2,3")]
    [InlineData("0-1,4,6-7", "0,1,4,6,7")]
    [InlineData(" 2 , 0 ", "0,2")]
    public void ParseListReadsRanges(string list, string expected)
    {
        Assert.Equal(expected, CpuSets.Format(CpuSets.ParseList(list)));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("3-1")]
    [InlineData("1-2-3")]
    [InlineData("-1")]
    public void ParseListRejectsInvalid(string list)
    {
        var exception = Assert.Throws<FormatException>(() => CpuSets.ParseList(list));
        Assert.Contains(list, exception.Message);
    }

    [Theory]
    [InlineData("postgres", "Database")]
    [InlineData("postgres-replica", "Database")]
    [InlineData("pgbouncer", "Database")]
    [InlineData("redis", "Application")]
    [InlineData("api-0", "Application")]
    [InlineData("gateway", "Application")]
    public void TierFollowsResourceName(string name, string expected)
    {
        Assert.Equal(Enum.Parse<CpuTier>(expected), CpuSets.TierOf(name));
    }
}
