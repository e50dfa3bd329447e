using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ScaleApp.Api.Http;

namespace ScaleApp.Api.Posts;

internal static class PostsEndpoints
{
    public static IHostApplicationBuilder AddPosts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PostStore>();
        builder.Services.AddSingleton<PostService>();
        builder.Services.AddSingleton<FeedPageJson>();
        return builder;
    }

    public static IEndpointRouteBuilder MapPostsEndpoints(this IEndpointRouteBuilder app)
    {
        var posts = app.MapGroup("/api/posts").WithTags("Posts");

        posts.MapGet("/", GetFeedAsync)
            .Produces<FeedPage>(StatusCodes.Status200OK, Utf8JsonHttpResult.ContentType)
            .WithName("GetFeed")
            .WithSummary("Lists posts newest first, one page at a time.");
        posts.MapGet("/{id:long}", GetPostAsync)
            .WithName("GetPost")
            .WithSummary("Returns one post.");
        posts.MapPost("/", CreatePostAsync)
            .WithName("CreatePost")
            .WithSummary("Creates a post.");

        // Authorization is out of scope for this API: any client may change or delete any post.
        posts.MapPut("/{id:long}", UpdatePostAsync)
            .WithName("UpdatePost")
            .WithSummary("Replaces the title and body of a post.");
        posts.MapDelete("/{id:long}", DeletePostAsync)
            .WithName("DeletePost")
            .WithSummary("Deletes a post.");

        app.MapGet("/api/users/{id:long}/posts", GetAuthorFeedAsync)
            .Produces<FeedPage>(StatusCodes.Status200OK, Utf8JsonHttpResult.ContentType)
            .WithTags("Posts")
            .WithName("GetUserPosts")
            .WithSummary("Lists one user's posts newest first, one page at a time.");

        return app;
    }

    private static async Task<Results<Utf8JsonHttpResult, ValidationProblem>> GetFeedAsync(
        [FromQuery] string? limit,
        [FromQuery] string? before,
        HttpRequest request,
        PostService posts,
        FeedPageJson pageJson,
        CancellationToken cancellationToken)
    {
        var errors = FeedQuery.TryParse(limit, before, out var query);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid feed query.");
        }

        var read = await posts.GetFeedAsync(query, ReadYourWrites.Read(request), cancellationToken);
        return new Utf8JsonHttpResult(pageJson.GetBytes(read, query.Limit));
    }

    private static async Task<Results<Utf8JsonHttpResult, ValidationProblem, ProblemHttpResult>> GetAuthorFeedAsync(
        long id,
        [FromQuery] string? limit,
        [FromQuery] string? before,
        HttpRequest request,
        PostService posts,
        FeedPageJson pageJson,
        CancellationToken cancellationToken)
    {
        var errors = FeedQuery.TryParse(limit, before, out var query);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid feed query.");
        }

        var read = id > 0 ? await posts.GetAuthorFeedAsync(id, query, ReadYourWrites.Read(request), cancellationToken) : null;
        return read is { } found ? new Utf8JsonHttpResult(pageJson.GetBytes(found, query.Limit)) : UserNotFound(id);
    }

    private static async Task<Results<Ok<Post>, ProblemHttpResult>> GetPostAsync(
        long id,
        HttpRequest request,
        PostService posts,
        CancellationToken cancellationToken)
    {
        var post = id > 0 ? await posts.FindAsync(id, ReadYourWrites.Read(request), cancellationToken) : null;
        return post is null ? PostNotFound(id) : TypedResults.Ok(post);
    }

    private static async Task<Results<Ok<Post>, ValidationProblem, ProblemHttpResult>> UpdatePostAsync(
        long id,
        UpdatePostRequest request,
        HttpResponse response,
        PostService posts,
        CancellationToken cancellationToken)
    {
        var errors = PostRules.Validate(request);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid post.");
        }

        var (post, walPosition) = id > 0 ? await posts.UpdateAsync(id, request.Title!, request.Body!, cancellationToken) : (null, 0);
        if (post is null)
        {
            return PostNotFound(id);
        }

        ReadYourWrites.Remember(response, walPosition);
        return TypedResults.Ok(post);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeletePostAsync(
        long id,
        HttpResponse response,
        PostService posts,
        CancellationToken cancellationToken)
    {
        var (deleted, walPosition) = id > 0 ? await posts.DeleteAsync(id, cancellationToken) : (false, 0);
        if (!deleted)
        {
            return PostNotFound(id);
        }

        ReadYourWrites.Remember(response, walPosition);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult PostNotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Post not found.", detail: $"No post has id {id}.");

    private static ProblemHttpResult UserNotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "User not found.", detail: $"No user has id {id}.");

    private static async Task<Results<Created<Post>, ValidationProblem>> CreatePostAsync(
        CreatePostRequest request,
        HttpResponse response,
        PostService posts,
        CancellationToken cancellationToken)
    {
        var errors = PostRules.Validate(request);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid post.");
        }

        var (post, walPosition) = await posts.CreateAsync(request.AuthorId!.Value, request.Title!, request.Body!, cancellationToken);
        if (post is null)
        {
            var unknownAuthor = new Dictionary<string, string[]>
            {
                ["authorId"] = [$"No user has id {request.AuthorId}; register the user with POST /api/users first."],
            };
            return TypedResults.ValidationProblem(unknownAuthor, title: "Invalid post.");
        }

        ReadYourWrites.Remember(response, walPosition);
        return TypedResults.Created($"/api/posts/{post.Id}", post);
    }
}
