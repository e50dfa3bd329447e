using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ScaleApp.Api.Posts;

internal static class PostsEndpoints
{
    public static IHostApplicationBuilder AddPosts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PostStore>();
        builder.Services.AddSingleton<PostService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapPostsEndpoints(this IEndpointRouteBuilder app)
    {
        var posts = app.MapGroup("/api/posts").WithTags("Posts");

        posts.MapGet("/", GetFeedAsync)
            .WithName("GetFeed")
            .WithSummary("Lists posts newest first, one page at a time.");
        posts.MapGet("/{id:long}", GetPostAsync)
            .WithName("GetPost")
            .WithSummary("Returns one post.");
        posts.MapPost("/", CreatePostAsync)
            .WithName("CreatePost")
            .WithSummary("Creates a post.");

        return app;
    }

    private static async Task<Results<Ok<FeedPage>, ValidationProblem>> GetFeedAsync(
        [FromQuery] string? limit,
        [FromQuery] string? before,
        PostService posts,
        CancellationToken cancellationToken)
    {
        var errors = FeedQuery.TryParse(limit, before, out var query);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid feed query.");
        }

        return TypedResults.Ok(await posts.GetFeedAsync(query, cancellationToken));
    }

    private static async Task<Results<Ok<Post>, ProblemHttpResult>> GetPostAsync(
        long id,
        PostService posts,
        CancellationToken cancellationToken)
    {
        var post = id > 0 ? await posts.FindAsync(id, cancellationToken) : null;
        return post is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Post not found.", detail: $"No post has id {id}.")
            : TypedResults.Ok(post);
    }

    private static async Task<Results<Created<Post>, ValidationProblem>> CreatePostAsync(
        CreatePostRequest request,
        PostService posts,
        CancellationToken cancellationToken)
    {
        var errors = PostRules.Validate(request);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid post.");
        }

        var post = await posts.CreateAsync(request.AuthorId!.Value, request.Title!, request.Body!, cancellationToken);
        if (post is null)
        {
            var unknownAuthor = new Dictionary<string, string[]>
            {
                ["authorId"] = [$"No user has id {request.AuthorId}; register the user with POST /api/users first."],
            };
            return TypedResults.ValidationProblem(unknownAuthor, title: "Invalid post.");
        }

        return TypedResults.Created($"/api/posts/{post.Id}", post);
    }
}
