namespace ScaleApp.Api.Posts;

/// <summary>
/// SQL of every post query. The statements are constants so that a test can run <c>EXPLAIN</c> on
/// exactly the text the API sends and fail when one stops using an index.
/// </summary>
internal static class PostSql
{
    private const string Columns = "id, author_id, title, body, created_at";

    /// <summary>Parameters: $1 id.</summary>
    public const string ById = $"SELECT {Columns} FROM posts WHERE id = $1";

    /// <summary>Walks <c>posts_newest_first_idx</c>. Parameters: $1 row count.</summary>
    public const string FeedHead = $"SELECT {Columns} FROM posts ORDER BY created_at DESC, id DESC LIMIT $1";

    /// <summary>Walks <c>posts_newest_first_idx</c> from a position. Parameters: $1 created_at, $2 id, $3 row count.</summary>
    public const string FeedAfter = $"""
        SELECT {Columns} FROM posts
        WHERE (created_at, id) < ($1, $2)
        ORDER BY created_at DESC, id DESC
        LIMIT $3
        """;

    /// <summary>Walks <c>posts_author_newest_first_idx</c>. Parameters: $1 author id, $2 row count.</summary>
    public const string AuthorHead = $"""
        SELECT {Columns} FROM posts
        WHERE author_id = $1
        ORDER BY created_at DESC, id DESC
        LIMIT $2
        """;

    /// <summary>
    /// Walks <c>posts_author_newest_first_idx</c> from a position. Parameters: $1 author id,
    /// $2 created_at, $3 id, $4 row count.
    /// </summary>
    public const string AuthorAfter = $"""
        SELECT {Columns} FROM posts
        WHERE author_id = $1 AND (created_at, id) < ($2, $3)
        ORDER BY created_at DESC, id DESC
        LIMIT $4
        """;

    /// <summary>Parameters: $1 user id.</summary>
    public const string UserExists = "SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)";

    /// <summary>Parameters: $1 author id, $2 title, $3 body.</summary>
    public const string Insert = $"INSERT INTO posts (author_id, title, body) VALUES ($1, $2, $3) RETURNING {Columns}";

    /// <summary>Parameters: $1 id, $2 title, $3 body.</summary>
    public const string Update = $"UPDATE posts SET title = $2, body = $3 WHERE id = $1 RETURNING {Columns}";

    /// <summary>Parameters: $1 id.</summary>
    public const string Delete = "DELETE FROM posts WHERE id = $1";
}
