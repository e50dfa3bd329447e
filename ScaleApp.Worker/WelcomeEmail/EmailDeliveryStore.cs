using Npgsql;
using ScaleApp.Worker.Messaging;

namespace ScaleApp.Worker.WelcomeEmail;

/// <summary>The <c>email_deliveries</c> table: one row per user.registered event whose welcome email was sent.</summary>
internal sealed class EmailDeliveryStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Inserts the event's delivery row in an open transaction and returns it as a claim, or returns
    /// null when the row is already committed. While the claim is open, another consumer inserting the
    /// same event waits on the primary key: it gets null once the claim commits, and the row once the
    /// claim rolls back. So two deliveries of one event never send at the same time.
    /// </summary>
    /// <remarks>
    /// The transaction stays open during the SMTP send, bounded by the SMTP timeout. It is
    /// transaction-scoped, so it is safe behind PgBouncer's transaction pooling. The row's
    /// <c>sent_at</c> defaults to now(), the start of this transaction, so it is when the send began.
    /// </remarks>
    public async Task<DeliveryClaim?> TryClaimAsync(UserRegistered registration, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        NpgsqlTransaction? transaction = null;
        try
        {
            transaction = await connection.BeginTransactionAsync(cancellationToken);

            await using var insert = new NpgsqlCommand(
                "INSERT INTO email_deliveries (event_id, user_id, email) VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING",
                connection,
                transaction);
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = registration.EventId });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = registration.UserId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = registration.Email });

            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return new DeliveryClaim(connection, transaction);
            }
        }
        catch
        {
            await DisposeAsync(connection, transaction);
            throw;
        }

        await DisposeAsync(connection, transaction);
        return null;
    }

    private static async ValueTask DisposeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        if (transaction is not null)
        {
            await transaction.DisposeAsync();
        }

        await connection.DisposeAsync();
    }
}

/// <summary>
/// An uncommitted <c>email_deliveries</c> row. Commit it after the SMTP server accepted the email.
/// Disposing it without a commit rolls the row back, so a later delivery sends the email.
/// </summary>
internal sealed class DeliveryClaim(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
{
    public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
