using Microsoft.AspNetCore.Http.HttpResults;

namespace ScaleApp.Api.Users;

internal static class UsersEndpoints
{
    public static IHostApplicationBuilder AddUsers(this IHostApplicationBuilder builder)
    {
        var registration = builder.Configuration.GetSection(RegistrationOptions.SectionName).Get<RegistrationOptions>() ?? new RegistrationOptions();
        builder.Services.AddSingleton(registration);
        if (registration.SendEmailInRequest)
        {
            builder.Services.AddSingleton<InRequestWelcomeEmail>();
        }

        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddSingleton<UserService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapUsersEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/users").WithTags("Users");

        users.MapGet("/{id:long}", GetUserAsync)
            .WithName("GetUser")
            .WithSummary("Returns one user.");
        users.MapPost("/", RegisterUserAsync)
            .WithName("RegisterUser")
            .WithSummary("Registers a user and queues the welcome email.");

        return app;
    }

    private static async Task<Results<Ok<User>, ProblemHttpResult>> GetUserAsync(
        long id,
        UserService users,
        CancellationToken cancellationToken)
    {
        var user = id > 0 ? await users.FindAsync(id, cancellationToken) : null;
        return user is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "User not found.", detail: $"No user has id {id}.")
            : TypedResults.Ok(user);
    }

    private static async Task<Results<Created<User>, ValidationProblem, ProblemHttpResult>> RegisterUserAsync(
        CreateUserRequest request,
        UserService users,
        CancellationToken cancellationToken)
    {
        var errors = UserRules.Validate(request, out var newUser);
        if (newUser is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid user.");
        }

        var created = await users.RegisterAsync(newUser, cancellationToken);
        if (created is null)
        {
            var conflict = new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                ["email"] = [$"The email address {newUser.Email} is already registered (compared without regard to letter case)."],
            })
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Email already registered.",
            };
            return TypedResults.Problem(conflict);
        }

        return TypedResults.Created($"/api/users/{created.Id}", created);
    }
}
