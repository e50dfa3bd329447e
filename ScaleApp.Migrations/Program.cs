using ScaleApp.Migrations;

var builder = Host.CreateApplicationBuilder(args);

// "seed" as the first argument also seeds; "--users N" and "--posts M" set the target row counts.
builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
{
    ["--users"] = $"{SeedSettings.SectionName}:{nameof(SeedSettings.Users)}",
    ["--posts"] = $"{SeedSettings.SectionName}:{nameof(SeedSettings.Posts)}",
});
if (args is ["seed", ..])
{
    builder.Configuration[$"{SeedSettings.SectionName}:{nameof(SeedSettings.Enabled)}"] = "true";
}

builder.AddServiceDefaults();
builder.AddNpgsqlDataSource("primary-db");
builder.Services.Configure<SeedSettings>(builder.Configuration.GetSection(SeedSettings.SectionName));
builder.Services.AddSingleton<MigrationRunner>();
builder.Services.AddSingleton<DataSeeder>();
builder.Services.AddHostedService<MigrationService>();

var host = builder.Build();

host.Run();
