using Npgsql;
using ScaleApp.Api.Data;
using ScaleApp.Api.Diagnostics;

namespace ScaleApp.Api.Posts;

/// <summary>SQL access to the <c>posts</c> table; the statements are in <see cref="PostSql"/>.</summary>
internal sealed class PostStore(Databases databases)
{
    public async Task<Post?> FindAsync(long id, DatabaseTarget target, CancellationToken cancellationToken)
    {
        await using var command = databases.CreateCommand(target, "post_by_id", PostSql.ById);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        return await ReadSingleAsync(command, cancellationToken);
    }

    /// <summary>
    /// Reads up to <paramref name="count"/> posts newest first, starting after <paramref name="before"/>
    /// when given. Both forms walk the <c>posts_newest_first_idx</c> index on (created_at DESC, id DESC).
    /// </summary>
    public async Task<IReadOnlyList<Post>> ReadFeedAsync(
        FeedPosition? before, int count, DatabaseTarget target, CancellationToken cancellationToken)
    {
        await using var command = databases.CreateCommand(target, "feed_page", before is null ? PostSql.FeedHead : PostSql.FeedAfter);
        if (before is { } position)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = position.CreatedAt });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position.Id });
        }

        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        return await ReadListAsync(command, count, cancellationToken);
    }

    /// <summary>
    /// Reads up to <paramref name="count"/> posts of one author newest first, starting after
    /// <paramref name="before"/> when given, through <c>posts_author_newest_first_idx</c>.
    /// </summary>
    public async Task<IReadOnlyList<Post>> ReadAuthorFeedAsync(
        long authorId, FeedPosition? before, int count, DatabaseTarget target, CancellationToken cancellationToken)
    {
        await using var command = databases.CreateCommand(target, "author_page", before is null ? PostSql.AuthorHead : PostSql.AuthorAfter);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = authorId });
        if (before is { } position)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = position.CreatedAt });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position.Id });
        }

        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        return await ReadListAsync(command, count, cancellationToken);
    }

    public async Task<bool> UserExistsAsync(long userId, DatabaseTarget target, CancellationToken cancellationToken)
    {
        await using var command = databases.CreateCommand(target, "author_exists", PostSql.UserExists);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = userId });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>
    /// Inserts a post on the primary and returns it, or returns null when no user has the id
    /// <paramref name="authorId"/> (the foreign key on posts.author_id rejects the row).
    /// </summary>
    public async Task<Post?> InsertAsync(long authorId, string title, string body, CancellationToken cancellationToken)
    {
        await using var command = databases.CreateCommand(DatabaseTarget.Primary, "insert_post", PostSql.Insert);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = authorId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = title });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = body });

        try
        {
            return await ReadSingleAsync(command, cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return null;
        }
    }

    /// <summary>Replaces the title and body of a post on the primary; returns null when no post has the id.</summary>
    public async Task<Post?> UpdateAsync(long id, string title, string body, CancellationToken cancellationToken)
    {
        await using var command = databases.CreateCommand(DatabaseTarget.Primary, "update_post", PostSql.Update);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = title });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = body });
        return await ReadSingleAsync(command, cancellationToken);
    }

    /// <summary>Deletes a post on the primary; returns false when no post has the id.</summary>
    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = databases.CreateCommand(DatabaseTarget.Primary, "delete_post", PostSql.Delete);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static async Task<Post?> ReadSingleAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadPost(reader) : null;
    }

    private static async Task<IReadOnlyList<Post>> ReadListAsync(NpgsqlCommand command, int count, CancellationToken cancellationToken)
    {
        var posts = new List<Post>(count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            posts.Add(ReadPost(reader));
        }

        return posts;
    }

    private static Post ReadPost(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetInt64(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetFieldValue<DateTime>(4));
}
