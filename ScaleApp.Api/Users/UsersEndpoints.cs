using Microsoft.AspNetCore.Http.HttpResults;
using ScaleApp.Api.Diagnostics;

namespace ScaleApp.Api.Users;

internal static class UsersEndpoints
{
    /// <summary>
    /// Registers the user services and chooses the welcome email's path (<see cref="RegistrationOptions"/>).
    /// Throws at start when that path lacks its connection string, and logs the path at start.
    /// </summary>
    public static IHostApplicationBuilder AddUsers(this IHostApplicationBuilder builder)
    {
        var registration = RegistrationOptions.FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(registration);
        if (registration.SendEmailInRequest)
        {
            builder.Services.AddSingleton<InRequestWelcomeEmail>();
        }

        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddSingleton<UserService>();
        builder.Services.AddStartupLog<UserService>(logger =>
        {
            if (registration.MailEndpoint is { } mail)
            {
                logger.LogInformation(
                    "Registrations send the welcome email inside the request through SMTP server {SmtpHost}:{SmtpPort}",
                    mail.Host,
                    mail.Port);
            }
            else
            {
                logger.LogInformation("Registrations write a user.registered outbox event, which the relay publishes to RabbitMQ for the worker");
            }
        });
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
            .WithSummary("Registers a user and sends or queues the welcome email.");

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
