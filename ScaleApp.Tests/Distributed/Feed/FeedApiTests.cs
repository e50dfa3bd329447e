using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ScaleApp.Tests.Distributed.Feed;

/// <summary>Paging of the feed and of one user's posts, and the 400, 404 and 413 responses to bad requests.</summary>
[Collection(TopologyCollection.Name)]
public sealed class FeedApiTests(TopologyFixture topology)
{
    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("limit=1e3", "limit")]
    [InlineData("before=not-a-cursor", "before")]
    [InlineData("before=AQAAAAAAAAAAAAAAAAAAAAAAAAAA", "before")]
    public async Task InvalidFeedQueryIsRejected(string query, string field)
    {
        foreach (var path in new[] { "/api/posts", "/api/users/1/posts" })
        {
            using var response = await topology.Gateway.GetAsync($"{path}?{query}");
            await AssertValidationProblemAsync(response, field);
        }
    }

    [Fact]
    public async Task TamperedCursorIsRejected()
    {
        var page = await topology.Gateway.GetFromJsonAsync<JsonElement>("/api/posts?limit=1");
        var cursor = page.GetProperty("nextCursor").GetString();
        Assert.NotNull(cursor);

        // Changing one character keeps the token well-formed base64url but breaks its checksum.
        var tampered = string.Concat(cursor[..5], cursor[5] == 'A' ? "B" : "A", cursor[6..]);
        using var response = await topology.Gateway.GetAsync($"/api/posts?before={tampered}");
        await AssertValidationProblemAsync(response, "before");
    }

    [Fact]
    public async Task UserPostsArePagedNewestFirst()
    {
        var gateway = topology.Gateway;
        var authorId = await FeedTestKit.RegisterAuthorAsync(gateway, "author-feed");
        var created = new List<long>();
        for (var index = 0; index < 5; index++)
        {
            created.Add((await ApiClient.CreatePostAsync(gateway, authorId, $"Author post {index}", "Body.")).GetProperty("id").GetInt64());
        }

        var seen = new List<long>();
        string? cursor = null;
        for (var pageNumber = 0; pageNumber < 10; pageNumber++)
        {
            var path = cursor is null ? $"/api/users/{authorId}/posts?limit=2" : $"/api/users/{authorId}/posts?limit=2&before={cursor}";
            var page = await gateway.GetFromJsonAsync<JsonElement>(path);
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.All(items, item => Assert.Equal(authorId, item.GetProperty("authorId").GetInt64()));
            seen.AddRange(items.Select(item => item.GetProperty("id").GetInt64()));
            cursor = page.GetProperty("nextCursor").GetString();
            if (cursor is null)
            {
                break;
            }
        }

        created.Reverse();
        Assert.Equal(created, seen);
    }

    [Fact]
    public async Task UnknownUserPostsAreNotFound()
    {
        using var response = await topology.Gateway.GetAsync($"/api/users/{long.MaxValue}/posts");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task InvalidUpdateNamesTheField()
    {
        var gateway = topology.Gateway;
        var authorId = await FeedTestKit.RegisterAuthorAsync(gateway, "update-rules");
        var postId = (await ApiClient.CreatePostAsync(gateway, authorId, "To update", "Body.")).GetProperty("id").GetInt64();

        using var missingTitle = await gateway.PutAsJsonAsync($"/api/posts/{postId}", new { body = "Body." });
        await AssertValidationProblemAsync(missingTitle, "title");

        using var tooLong = await gateway.PutAsJsonAsync($"/api/posts/{postId}", new { title = new string('x', 201), body = "Body." });
        await AssertValidationProblemAsync(tooLong, "title");

        using var wrongType = await gateway.PutAsync(
            $"/api/posts/{postId}", new StringContent("""{"title": 5, "body": "Body."}""", Encoding.UTF8, "application/json"));
        await AssertValidationProblemAsync(wrongType, "title");

        using var unknown = await gateway.PutAsJsonAsync($"/api/posts/{long.MaxValue}", new { title = "Title", body = "Body." });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        var oversized = new string('x', 70 * 1024);
        using var tooLarge = await gateway.PutAsync(
            $"/api/posts/{postId}", new StringContent($$"""{"title": "Title", "body": "{{oversized}}"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocumentListsPostEndpoints()
    {
        // The AppHost runs the services in its own environment, Development under the test host, where the documents are mapped.
        using var replica = FeedTestKit.Replica(topology, "api-0");
        var document = await replica.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/posts", out _), "The OpenAPI document has no /api/posts.");
        Assert.True(paths.TryGetProperty("/api/posts/{id}", out _), "The OpenAPI document has no /api/posts/{id}.");
        Assert.True(paths.TryGetProperty("/api/users/{id}/posts", out _), "The OpenAPI document has no /api/users/{id}/posts.");

        using var scalar = await replica.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
    }

    private static async Task AssertValidationProblemAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.RequestMessage?.RequestUri} returned {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"The errors do not name '{field}': {text}");
    }
}
