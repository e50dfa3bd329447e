using System.Diagnostics;
using ScaleApp.Api.Caching;
using ScaleApp.Api.Data;
using ScaleApp.Api.Diagnostics;
using ScaleApp.Api.Outbox;

namespace ScaleApp.Api.Users;

/// <summary>User reads through the cache, and registrations that hand their event to the outbox relay.</summary>
internal sealed class UserService(
    UserStore store,
    Databases databases,
    CacheAside cache,
    OutboxSignal outboxSignal,
    RegistrationOptions options,
    IServiceProvider services)
{
    /// <summary>
    /// Returns the user, reading the replica first and the primary when the replica does not have the
    /// row yet. Null when neither has it. Without a replica the first read already runs on the primary,
    /// so a missing user costs one query.
    /// </summary>
    public ValueTask<User?> FindAsync(long id, CancellationToken cancellationToken) =>
        cache.GetOrLoadAsync(
            "user",
            CacheEntries.User(id),
            // The replica read falls back to the primary while the replica is unreachable. A user the replica
            // has not replayed yet is then looked up on the primary.
            async token => await databases.ReadAsync(target => store.FindAsync(id, target, token))
                ?? (databases.HasReplica ? await store.FindAsync(id, DatabaseTarget.Primary, token) : null),
            CacheEntries.Entity,
            cancellationToken);

    /// <summary>
    /// Stores the user with its <c>user.registered</c> outbox row and wakes the relay; returns null when
    /// the email is taken. Publishing happens in the background, so the broker never delays the reply.
    /// With <see cref="RegistrationOptions.SendEmailInRequest"/> the email is sent here instead.
    /// </summary>
    public async Task<User?> RegisterAsync(NewUser user, CancellationToken cancellationToken)
    {
        var traceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;

        var created = await store.InsertAsync(user, withRegisteredEvent: !options.SendEmailInRequest, traceParent, cancellationToken);
        if (created is null)
        {
            return null;
        }

        if (options.SendEmailInRequest)
        {
            await services.GetRequiredService<InRequestWelcomeEmail>().SendAsync(created, cancellationToken);
        }
        else
        {
            outboxSignal.Notify();
        }

        // Best-effort and in the background: a slow Redis must not hold up the reply, and TrySetAsync logs its own failures.
        _ = cache.TrySetAsync(CacheEntries.User(created.Id), created, CacheEntries.Entity, CancellationToken.None);
        return created;
    }
}
