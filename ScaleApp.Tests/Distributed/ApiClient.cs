using System.Net.Http.Json;
using System.Text.Json;

namespace ScaleApp.Tests.Distributed;

/// <summary>Small helpers for calling the API through the gateway.</summary>
internal static class ApiClient
{
    public const string ServedByHeader = "X-Served-By";

    public static async Task<JsonElement> RegisterUserAsync(HttpClient gateway, string name, string email)
    {
        using var response = await gateway.PostAsJsonAsync("/api/users", new { name, email });
        Assert.True(response.IsSuccessStatusCode, $"POST /api/users answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<JsonElement> CreatePostAsync(HttpClient gateway, long authorId, string title, string body)
    {
        using var response = await gateway.PostAsJsonAsync("/api/posts", new { authorId, title, body });
        Assert.True(response.IsSuccessStatusCode, $"POST /api/posts answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static string UniqueEmail(string prefix) => $"{prefix}-{Guid.NewGuid():N}@example.com";

    public static string ServedBy(HttpResponseMessage response) =>
        response.Headers.TryGetValues(ServedByHeader, out var values) ? values.Single() : "(missing)";
}
