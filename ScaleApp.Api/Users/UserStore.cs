using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using ScaleApp.Api.Data;
using ScaleApp.Api.Diagnostics;
using ScaleApp.Api.Messaging;

namespace ScaleApp.Api.Users;

/// <summary>SQL access to the <c>users</c> table and the outbox rows that registrations write.</summary>
internal sealed class UserStore(Databases databases)
{
    private const string Columns = "id, name, email, created_at";
    private const string EmailUniqueIndex = "users_email_lower_key";

    public async Task<User?> FindAsync(long id, DatabaseTarget target, CancellationToken cancellationToken)
    {
        await using var command = databases.CreateCommand(target, "user_by_id", $"SELECT {Columns} FROM users WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadUser(reader) : null;
    }

    /// <summary>
    /// Inserts the user and, when <paramref name="withRegisteredEvent"/> is true, its <c>user.registered</c>
    /// outbox row in one transaction on the primary, so the event exists exactly when the user does.
    /// Returns null when the email is already registered in any letter case (the unique index on
    /// lower(email) rejects the row, also when two requests insert the same email at once).
    /// </summary>
    /// <param name="traceParent">W3C traceparent of the registering request, stored so the publish joins its trace.</param>
    public async Task<User?> InsertAsync(NewUser user, bool withRegisteredEvent, string? traceParent, CancellationToken cancellationToken)
    {
        await using var connection = await databases.Primary.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        User created;
        try
        {
            await using var insertUser = databases.CreateCommand(
                connection,
                "insert_user",
                $"INSERT INTO users (name, email) VALUES ($1, $2) RETURNING {Columns}");
            insertUser.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user.Name });
            insertUser.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user.Email });

            await using var reader = await insertUser.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            created = ReadUser(reader);
        }
        catch (PostgresException exception) when (
            exception.SqlState == PostgresErrorCodes.UniqueViolation && exception.ConstraintName == EmailUniqueIndex)
        {
            return null;
        }

        if (!withRegisteredEvent)
        {
            await transaction.CommitAsync(cancellationToken);
            return created;
        }

        var registered = new UserRegisteredEvent(Guid.CreateVersion7(), created.Id, created.Name, created.Email, created.CreatedAt);

        await using var insertEvent = databases.CreateCommand(
            connection,
            "insert_outbox",
            "INSERT INTO outbox (event_id, event_type, payload, trace_parent) VALUES ($1, $2, $3, $4)");
        insertEvent.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = registered.EventId });
        insertEvent.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EventContract.UserRegisteredType });
        insertEvent.Parameters.Add(new NpgsqlParameter<string>
        {
            TypedValue = JsonSerializer.Serialize(registered, EventContract.JsonOptions),
            NpgsqlDbType = NpgsqlDbType.Jsonb,
        });
        insertEvent.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = traceParent, NpgsqlDbType = NpgsqlDbType.Text });
        await insertEvent.ExecuteNonQueryAsync(cancellationToken);

        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    private static User ReadUser(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetFieldValue<DateTime>(3));
}
