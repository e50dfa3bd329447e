using ScaleApp.Worker.Messaging;
using ScaleApp.Worker.WelcomeEmail;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRabbitMQClient("rabbitmq", RabbitMQConnection.ConfigureSettings, RabbitMQConnection.ConfigureFactory);
builder.AddNpgsqlDataSource("primary-db");
builder.AddWelcomeEmail();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
