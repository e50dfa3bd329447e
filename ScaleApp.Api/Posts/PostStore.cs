using Npgsql;
using ScaleApp.Api.Data;
using ScaleApp.Api.Diagnostics;

namespace ScaleApp.Api.Posts;

/// <summary>SQL access to the <c>posts</c> table.</summary>
internal sealed class PostStore(Databases databases)
{
    private const string Columns = "id, author_id, title, body, created_at";

    public async Task<Post?> FindAsync(long id, DatabaseTarget target, CancellationToken cancellationToken)
    {
        await using var command = databases.CreateCommand(
            target,
            "post_by_id",
            $"SELECT {Columns} FROM posts WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadPost(reader) : null;
    }

    /// <summary>
    /// Reads up to <paramref name="count"/> posts newest first, starting after <paramref name="before"/>
    /// when given. Both forms walk the <c>posts_newest_first_idx</c> index on (created_at DESC, id DESC).
    /// </summary>
    public async Task<IReadOnlyList<Post>> ReadFeedAsync(
        FeedPosition? before, int count, DatabaseTarget target, CancellationToken cancellationToken)
    {
        NpgsqlCommand command;
        if (before is { } position)
        {
            command = databases.CreateCommand(
                target,
                "feed_page",
                $"""
                SELECT {Columns} FROM posts
                WHERE (created_at, id) < ($1, $2)
                ORDER BY created_at DESC, id DESC
                LIMIT $3
                """);
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = position.CreatedAt });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position.Id });
        }
        else
        {
            command = databases.CreateCommand(
                target,
                "feed_page",
                $"SELECT {Columns} FROM posts ORDER BY created_at DESC, id DESC LIMIT $1");
        }

        await using (command)
        {
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });

            var posts = new List<Post>(count);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                posts.Add(ReadPost(reader));
            }

            return posts;
        }
    }

    /// <summary>
    /// Inserts a post on the primary and returns it, or returns null when no user has the id
    /// <paramref name="authorId"/> (the foreign key on posts.author_id rejects the row).
    /// </summary>
    public async Task<Post?> InsertAsync(long authorId, string title, string body, CancellationToken cancellationToken)
    {
        await using var command = databases.CreateCommand(
            DatabaseTarget.Primary,
            "insert_post",
            $"INSERT INTO posts (author_id, title, body) VALUES ($1, $2, $3) RETURNING {Columns}");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = authorId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = title });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = body });

        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return ReadPost(reader);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return null;
        }
    }

    private static Post ReadPost(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetInt64(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetFieldValue<DateTime>(4));
}
