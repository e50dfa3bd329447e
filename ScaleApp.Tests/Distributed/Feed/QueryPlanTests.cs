using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ScaleApp.Api.Data;
using ScaleApp.Api.Posts;
using ScaleApp.Migrations;

namespace ScaleApp.Tests.Distributed.Feed;

/// <summary>
/// Seeds the database with a realistic number of rows and checks that every read statement of the
/// posts API is planned with an index, never a sequential scan of posts or users.
/// </summary>
[Collection(TopologyCollection.Name)]
public sealed class QueryPlanTests(TopologyFixture topology)
{
    private const int SeedUsers = 2_000;
    private const int SeedPosts = 20_000;

    [Fact]
    public async Task SeedingIsIdempotent()
    {
        await using var dataSource = NpgsqlDataSource.Create(await topology.ConnectionStringAsync("primary-db"));
        var seeder = new DataSeeder(dataSource, NullLogger<DataSeeder>.Instance);
        var settings = new SeedSettings { Users = SeedUsers, Posts = SeedPosts };

        await seeder.SeedAsync(settings, CancellationToken.None);
        var repeat = await seeder.SeedAsync(settings, CancellationToken.None);

        Assert.Equal((0L, 0L), repeat);
        Assert.True(await CountAsync(dataSource, "users") >= SeedUsers);
        Assert.True(await CountAsync(dataSource, "posts") >= SeedPosts);
    }

    [Fact]
    public async Task SeedCommandReachesDefaultTargets()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var result = await topology.App.ResourceCommands.ExecuteCommandAsync("migrations", "seed", timeout.Token);
        Assert.True(result.Success, $"The seed command failed: {result.Message} {await ResourceWaits.DescribeAsync(topology.App, "migrations")}");

        await using var dataSource = NpgsqlDataSource.Create(await topology.ConnectionStringAsync("primary-db"));
        var defaults = new SeedSettings();
        Assert.True(await CountAsync(dataSource, "users") >= defaults.Users, $"Fewer than {defaults.Users} users after the seed command.");
        Assert.True(await CountAsync(dataSource, "posts") >= defaults.Posts, $"Fewer than {defaults.Posts} posts after the seed command.");
    }

    [Fact]
    public async Task ReadQueriesUseIndexes()
    {
        await using var dataSource = NpgsqlDataSource.Create(await topology.ConnectionStringAsync("primary-db"));
        await new DataSeeder(dataSource, NullLogger<DataSeeder>.Instance)
            .SeedAsync(new SeedSettings { Users = SeedUsers, Posts = SeedPosts }, CancellationToken.None);

        var authorId = await ScalarAsync<long>(dataSource, "SELECT author_id FROM posts GROUP BY author_id ORDER BY count(*) DESC LIMIT 1");
        var middle = DateTime.UtcNow.AddDays(-180);
        const int rows = 101;

        var statements = new (string Name, string Sql, object[] Parameters)[]
        {
            ("post by id", PostSql.ById, [1L]),
            ("feed head", PostSql.FeedHead, [rows]),
            ("feed after cursor", PostSql.FeedAfter, [middle, long.MaxValue, rows]),
            ("user posts head", PostSql.AuthorHead, [authorId, rows]),
            ("user posts after cursor", PostSql.AuthorAfter, [authorId, middle, long.MaxValue, rows]),
            ("user exists", PostSql.UserExists, [authorId]),
            ("replica lag", ReplicaMonitor.ReplicaLagSql, []),
        };

        var failures = new List<string>();
        foreach (var (name, sql, parameters) in statements)
        {
            await using var command = dataSource.CreateCommand("EXPLAIN (FORMAT JSON) " + sql);
            foreach (var parameter in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = parameter });
            }

            var plan = JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!).RootElement;
            foreach (var table in SequentialScans(plan).Where(table => table is "posts" or "users"))
            {
                failures.Add($"{name}: sequential scan of {table} in {plan}");
            }
        }

        Assert.Empty(failures);
    }

    private static IEnumerable<string> SequentialScans(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            return element.EnumerateArray().SelectMany(SequentialScans);
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        var own = element.TryGetProperty("Node Type", out var nodeType) && nodeType.GetString() == "Seq Scan"
            ? [element.GetProperty("Relation Name").GetString()!]
            : Array.Empty<string>();
        return own.Concat(element.EnumerateObject().SelectMany(property => SequentialScans(property.Value)));
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string table) =>
        await ScalarAsync<long>(dataSource, $"SELECT count(*) FROM {table}");

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
