using System.ComponentModel;

namespace ScaleApp.Api.Users;

/// <summary>A registered user. Immutable, so HybridCache may hand the same instance to every caller.</summary>
[ImmutableObject(true)]
internal sealed record User(long Id, string Name, string Email, DateTime CreatedAt);

/// <summary>
/// Body of <c>POST /api/users</c>. Members are nullable so that a missing field is reported by
/// <see cref="UserRules"/> with the field's name instead of failing JSON binding.
/// </summary>
internal sealed record CreateUserRequest(string? Name, string? Email);

/// <summary>A validated registration: name and email trimmed, ready to store.</summary>
internal sealed record NewUser(string Name, string Email);
