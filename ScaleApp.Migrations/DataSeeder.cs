using System.Diagnostics;
using Bogus;
using Npgsql;
using NpgsqlTypes;

namespace ScaleApp.Migrations;

/// <summary>
/// Loads realistic sample users and posts with PostgreSQL's binary COPY. Seeding is idempotent: it
/// tops the tables up to the target row counts, so a rerun with the same settings adds nothing and a
/// larger setting adds only the difference.
/// </summary>
/// <remarks>
/// Everything runs in one transaction under a transaction-scoped advisory lock, which PgBouncer's
/// transaction pooling allows, so two seeders never add the same rows twice and a failed run leaves
/// nothing behind. The tables are analyzed at the end, so the planner sees the new row counts at once.
/// </remarks>
internal sealed partial class DataSeeder(NpgsqlDataSource dataSource, ILogger<DataSeeder> logger)
{
    /// <summary>Advisory lock key of seeding: "SEEDDATA" in ASCII as a 64-bit integer.</summary>
    internal const long AdvisoryLockKey = 0x5345454444415441;

    private const int MaxTitleLength = 200;
    private const int MaxBodyLength = 10_000;

    /// <summary>Tops users and posts up to the counts in <paramref name="settings"/>; returns the rows added.</summary>
    public async Task<(long UsersAdded, long PostsAdded)> SeedAsync(SeedSettings settings, CancellationToken cancellationToken)
    {
        settings.Validate();
        var stopwatch = Stopwatch.StartNew();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken);

        var existingUsers = await CountAsync(connection, "users", cancellationToken);
        var existingPosts = await CountAsync(connection, "posts", cancellationToken);
        var usersToAdd = Math.Max(0, settings.Users - existingUsers);
        var postsToAdd = Math.Max(0, settings.Posts - existingPosts);
        if (usersToAdd == 0 && postsToAdd == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            LogAlreadySeeded(logger, existingUsers, existingPosts);
            return (0, 0);
        }

        // Seeded from the existing row counts, so reruns differ from earlier runs yet repeat for one starting state.
        var faker = new Faker("en") { Random = new Randomizer(unchecked((int)(existingUsers * 31 + existingPosts))) };
        var now = DateTime.UtcNow;

        if (usersToAdd > 0)
        {
            await CopyUsersAsync(connection, faker, usersToAdd, now, settings.HistoryDays, cancellationToken);
        }

        if (postsToAdd > 0)
        {
            var authorIds = await ReadUserIdsAsync(connection, cancellationToken);
            await CopyPostsAsync(connection, faker, authorIds, postsToAdd, now, settings.HistoryDays, cancellationToken);
        }

        await ExecuteAsync(connection, "ANALYZE users", cancellationToken);
        await ExecuteAsync(connection, "ANALYZE posts", cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        LogSeeded(logger, usersToAdd, postsToAdd, settings.Users, settings.Posts, stopwatch.ElapsedMilliseconds);
        return (usersToAdd, postsToAdd);
    }

    private static async Task CopyUsersAsync(
        NpgsqlConnection connection, Faker faker, long count, DateTime now, int historyDays, CancellationToken cancellationToken)
    {
        // A random 12-hex-digit tag keeps emails unique across runs, because lower(email) has a unique index.
        var runTag = faker.Random.Hexadecimal(12, prefix: string.Empty);

        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY users (name, email, created_at) FROM STDIN (FORMAT BINARY)", cancellationToken);
        for (long i = 0; i < count; i++)
        {
            var firstName = faker.Name.FirstName();
            var lastName = faker.Name.LastName();
            var email = faker.Internet.Email(firstName, lastName, provider: "example.com", uniqueSuffix: $".{runTag}.{i}");

            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync($"{firstName} {lastName}", NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(email, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(now - faker.Date.Timespan(TimeSpan.FromDays(historyDays)), NpgsqlDbType.TimestampTz, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static async Task CopyPostsAsync(
        NpgsqlConnection connection,
        Faker faker,
        IReadOnlyList<long> authorIds,
        long count,
        DateTime now,
        int historyDays,
        CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY posts (author_id, title, body, created_at) FROM STDIN (FORMAT BINARY)", cancellationToken);
        for (long i = 0; i < count; i++)
        {
            // Squaring a uniform number skews authorship: a few users write many posts, most write few.
            var authorIndex = (int)(Math.Pow(faker.Random.Double(), 2) * authorIds.Count);
            var title = Truncate(faker.Lorem.Sentence(faker.Random.Int(3, 10)).TrimEnd('.'), MaxTitleLength);
            var body = Truncate(faker.Lorem.Paragraphs(faker.Random.Int(1, 5), "\n\n"), MaxBodyLength);

            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(authorIds[authorIndex], NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(title, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(body, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(now - faker.Date.Timespan(TimeSpan.FromDays(historyDays)), NpgsqlDbType.TimestampTz, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static async Task<IReadOnlyList<long>> ReadUserIdsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        await using var command = new NpgsqlCommand("SELECT id FROM users ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Truncate(string text, int maxLength) => text.Length <= maxLength ? text : text[..maxLength];

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeding skipped: the database already has {Users} users and {Posts} posts")]
    private static partial void LogAlreadySeeded(ILogger logger, long users, long posts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {UsersAdded} users and {PostsAdded} posts (targets {TargetUsers} and {TargetPosts}) in {ElapsedMilliseconds} ms")]
    private static partial void LogSeeded(ILogger logger, long usersAdded, long postsAdded, int targetUsers, int targetPosts, long elapsedMilliseconds);
}
