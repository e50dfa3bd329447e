using Npgsql;
using ScaleApp.Worker.Messaging;

namespace ScaleApp.Worker.WelcomeEmail;

/// <summary>The <c>email_deliveries</c> table: one row per user.registered event whose welcome email was sent.</summary>
internal sealed class EmailDeliveryStore(NpgsqlDataSource dataSource)
{
    public async Task<bool> IsDeliveredAsync(Guid eventId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM email_deliveries WHERE event_id = $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = eventId });

        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Records the delivery. A row that already exists for the event is left unchanged.</summary>
    public async Task RecordAsync(UserRegistered registration, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO email_deliveries (event_id, user_id, email) VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = registration.EventId });
        command.Parameters.Add(new NpgsqlParameter { Value = registration.UserId });
        command.Parameters.Add(new NpgsqlParameter { Value = registration.Email });

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
