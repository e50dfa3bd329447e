using ScaleApp.Migrations;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddNpgsqlDataSource("primary-db");
builder.Services.AddSingleton<MigrationRunner>();
builder.Services.AddHostedService<MigrationService>();

var host = builder.Build();

host.Run();
