using System.Diagnostics;
using System.Text;
using Npgsql;
using RabbitMQ.Client;
using ScaleApp.Api.Data;
using ScaleApp.Api.Diagnostics;
using ScaleApp.Api.Messaging;

namespace ScaleApp.Api.Outbox;

/// <summary>
/// Publishes unpublished outbox rows to RabbitMQ and marks them published. Every API replica runs one;
/// <c>FOR UPDATE SKIP LOCKED</c> gives each row to one relay at a time. Delivery is at least once: a
/// crash between the broker's confirm and the commit publishes the row again, and the worker
/// deduplicates by event id.
/// </summary>
internal sealed class OutboxRelay(
    Databases databases,
    OutboxSignal signal,
    IServiceProvider services,
    ApiMetrics metrics,
    OutboxMetrics outboxMetrics,
    TimeProvider timeProvider,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    public const int BatchSize = 100;
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan BacklogSampleInterval = TimeSpan.FromSeconds(5);

    private readonly LogThrottle _warnings = new(timeProvider, TimeSpan.FromSeconds(30));
    private IChannel? _channel;
    private long _lastBacklogSample = long.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Leave the host's start-up path at once: connecting to RabbitMQ must never delay or fail it.
        await Task.Yield();

        var consecutiveFailures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var fullBatch = false;
            try
            {
                // Sampled before publishing, so the backlog also shows while the broker is down.
                await SampleBacklogAsync(stoppingToken);

                var channel = await GetChannelAsync(stoppingToken);
                var published = await PublishBatchAsync(channel, stoppingToken);
                fullBatch = published == BatchSize;

                if (consecutiveFailures > 0)
                {
                    logger.LogInformation("Outbox relay recovered after {FailureCount} failed attempts", consecutiveFailures);
                    _warnings.Reset();
                }

                consecutiveFailures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                consecutiveFailures++;
                metrics.OutboxPublishFailed();
                await DropBrokenChannelAsync();
                LogFailure(exception, consecutiveFailures);
            }

            if (fullBatch)
            {
                continue;
            }

            if (consecutiveFailures == 0)
            {
                await signal.WaitAsync(PollInterval, stoppingToken);
            }
            else
            {
                // Registrations keep signalling during an outage; backing off regardless keeps
                // them from turning into one connection attempt each.
                await Task.Delay(RetryDelay(consecutiveFailures), timeProvider, stoppingToken);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await DropChannelAsync();
    }

    /// <summary>
    /// Locks up to <see cref="BatchSize"/> unpublished rows, publishes them in id order and marks the
    /// published ones. A failed publish or a shutdown ends the batch early: rows before it are
    /// committed as published, the rest stay for a later attempt, and the failure is rethrown.
    /// </summary>
    private async Task<int> PublishBatchAsync(IChannel channel, CancellationToken cancellationToken)
    {
        await using var connection = await databases.Primary.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var messages = await ReadUnpublishedAsync(connection, cancellationToken);
        if (messages.Count == 0)
        {
            return 0;
        }

        var publishedIds = new List<long>(messages.Count);
        Exception? failure = null;
        foreach (var message in messages)
        {
            try
            {
                await PublishAsync(channel, message, cancellationToken);
                publishedIds.Add(message.Id);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Shutting down: stop publishing, but still mark the rows already confirmed below.
                break;
            }
            catch (Exception exception)
            {
                failure = new OutboxPublishException(message, exception);
                break;
            }
        }

        if (publishedIds.Count > 0)
        {
            await using var markPublished = databases.CreateCommand(
                connection,
                "outbox_mark_published",
                "UPDATE outbox SET published_at = now() WHERE id = ANY($1)");
            markPublished.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = publishedIds.ToArray() });
            await markPublished.ExecuteNonQueryAsync(CancellationToken.None);
        }

        // Rows the broker confirmed are committed even during shutdown, so they are not published twice.
        await transaction.CommitAsync(CancellationToken.None);
        metrics.OutboxPublished(publishedIds.Count);

        cancellationToken.ThrowIfCancellationRequested();
        if (failure is not null)
        {
            throw failure;
        }

        return publishedIds.Count;
    }

    /// <summary>
    /// Counts unpublished rows and the age of the oldest for the backlog gauges, at most once per
    /// <see cref="BacklogSampleInterval"/>. The partial index on unpublished rows keeps this cheap.
    /// </summary>
    private async Task SampleBacklogAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetTimestamp();
        if (_lastBacklogSample != long.MinValue && timeProvider.GetElapsedTime(_lastBacklogSample, now) < BacklogSampleInterval)
        {
            return;
        }

        await using var command = databases.CreateCommand(
            DatabaseTarget.Primary,
            "outbox_backlog",
            """
            SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8
            FROM outbox
            WHERE published_at IS NULL
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);

        outboxMetrics.BacklogSampled(reader.GetInt64(0), TimeSpan.FromSeconds(Math.Max(0, reader.GetDouble(1))));
        _lastBacklogSample = now;
    }

    private async Task<List<OutboxMessage>> ReadUnpublishedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var select = databases.CreateCommand(
            connection,
            "outbox_batch",
            """
            SELECT id, event_id, event_type, payload::text, trace_parent
            FROM outbox
            WHERE published_at IS NULL
            ORDER BY id
            LIMIT $1
            FOR UPDATE SKIP LOCKED
            """);
        select.Parameters.Add(new NpgsqlParameter<int> { TypedValue = BatchSize });

        var messages = new List<OutboxMessage>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(new OutboxMessage(
                reader.GetInt64(0),
                reader.GetGuid(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return messages;
    }

    /// <summary>
    /// Publishes one message and waits for the broker's confirm, at most <see cref="PublishTimeout"/>.
    /// The message is mandatory, so a broker without a queue bound for it returns it and this throws,
    /// leaving the row for a retry instead of dropping the event.
    /// </summary>
    private static async Task PublishAsync(IChannel channel, OutboxMessage message, CancellationToken cancellationToken)
    {
        ActivityContext.TryParse(message.TraceParent, null, isRemote: true, out var parent);
        using var activity = ApiActivitySource.Instance.StartActivity(
            $"outbox publish {message.EventType}", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.system", "rabbitmq");
        activity?.SetTag("messaging.destination.name", EventContract.ExchangeName);
        activity?.SetTag("messaging.message.id", message.EventId.ToString());
        activity?.SetTag("scaleapp.outbox.id", message.Id);

        // RabbitMQ.Client replaces these headers with its own publish span's context when its
        // ActivitySource has a listener; without one, the stored context still reaches the worker.
        var headers = new Dictionary<string, object?>();
        if (activity is not null)
        {
            DistributedContextPropagator.Current.Inject(activity, headers, static (carrier, name, value) =>
            {
                if (carrier is Dictionary<string, object?> dictionary)
                {
                    dictionary[name] = value;
                }
            });
        }
        else if (message.TraceParent is not null)
        {
            headers["traceparent"] = message.TraceParent;
        }

        var properties = new BasicProperties
        {
            Persistent = true,
            ContentType = "application/json",
            MessageId = message.EventId.ToString(),
            Type = message.EventType,
            Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
            Headers = headers,
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PublishTimeout);
        try
        {
            await channel.BasicPublishAsync(
                EventContract.ExchangeName,
                message.EventType,
                mandatory: true,
                properties,
                Encoding.UTF8.GetBytes(message.Payload),
                timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "publish timed out");
            throw new TimeoutException($"RabbitMQ did not confirm the publish within {PublishTimeout.TotalSeconds} s.");
        }
        catch (Exception exception)
        {
            activity?.AddException(exception);
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }

    /// <summary>
    /// Returns an open channel with publisher confirms, connecting and declaring the exchange first when
    /// needed. The connection is resolved here, not at start-up, so the API starts and serves while
    /// RabbitMQ is down. Once created, the connection recovers by itself after a broker outage.
    /// </summary>
    private async Task<IChannel> GetChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true })
        {
            return _channel;
        }

        await DropChannelAsync();

        // The Aspire integration creates the connection on first resolution and throws while the broker is unreachable.
        var connection = services.GetRequiredService<IConnection>();
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        try
        {
            // Same arguments as the worker's declaration; RabbitMQ rejects a redeclaration that differs.
            await channel.ExchangeDeclareAsync(
                EventContract.ExchangeName,
                ExchangeType.Topic,
                durable: true,
                autoDelete: false,
                cancellationToken: cancellationToken);
        }
        catch
        {
            await channel.DisposeAsync();
            throw;
        }

        logger.LogInformation(
            "Outbox relay connected to RabbitMQ at {Endpoint} and declared exchange {Exchange}",
            connection.Endpoint,
            EventContract.ExchangeName);
        _channel = channel;
        return channel;
    }

    private async Task DropBrokenChannelAsync()
    {
        if (_channel is { IsOpen: false })
        {
            await DropChannelAsync();
        }
    }

    private async Task DropChannelAsync()
    {
        var channel = _channel;
        _channel = null;
        if (channel is null)
        {
            return;
        }

        try
        {
            await channel.DisposeAsync();
        }
        catch (Exception exception)
        {
            logger.LogDebug(exception, "Ignoring an error while closing a RabbitMQ channel");
        }
    }

    private void LogFailure(Exception exception, int consecutiveFailures)
    {
        if (!_warnings.TryAcquire(out var suppressed))
        {
            return;
        }

        if (exception is OutboxPublishException publishFailure)
        {
            logger.LogWarning(
                publishFailure.InnerException,
                "Outbox relay could not publish outbox row {OutboxId} (event {EventId}, type {EventType}); it stays unpublished and is retried in {RetryDelay}. Failed attempts in a row: {FailureCount}; warnings not logged since the last one: {Suppressed}",
                publishFailure.Message.Id,
                publishFailure.Message.EventId,
                publishFailure.Message.EventType,
                RetryDelay(consecutiveFailures),
                consecutiveFailures,
                suppressed);
        }
        else
        {
            logger.LogWarning(
                exception,
                "Outbox relay could not reach {Dependency}; unpublished rows are retried in {RetryDelay}. Failed attempts in a row: {FailureCount}; warnings not logged since the last one: {Suppressed}",
                exception is NpgsqlException ? "PostgreSQL" : "RabbitMQ",
                RetryDelay(consecutiveFailures),
                consecutiveFailures,
                suppressed);
        }
    }

    // 1 s, 2 s, 4 s, ... capped, so a long outage costs one connection attempt every few seconds.
    private static TimeSpan RetryDelay(int consecutiveFailures) =>
        TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Min(consecutiveFailures - 1, 10)), MaxRetryDelay.TotalSeconds));
}

/// <summary>An outbox row as the relay publishes it; <see cref="Payload"/> is the JSON message body.</summary>
internal sealed record OutboxMessage(long Id, Guid EventId, string EventType, string Payload, string? TraceParent);

/// <summary>Wraps a publish failure with the outbox row it happened on, for the relay's log.</summary>
internal sealed class OutboxPublishException(OutboxMessage message, Exception innerException)
    : Exception($"Publishing outbox row {message.Id} (event {message.EventId}) failed: {innerException.Message}", innerException)
{
    public new OutboxMessage Message { get; } = message;
}
