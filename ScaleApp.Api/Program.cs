using ScaleApp.Api.Caching;
using ScaleApp.Api.Data;
using ScaleApp.Api.Diagnostics;
using ScaleApp.Api.Http;
using ScaleApp.Api.Outbox;
using ScaleApp.Api.Posts;
using ScaleApp.Api.StaticAssets;
using ScaleApp.Api.Users;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddHttpConventions();
builder.AddDatabases();
builder.AddCaching();
builder.AddOutbox();
builder.AddPosts();
builder.AddUsers();

var app = builder.Build();

app.UseHttpConventions();
app.MapDefaultEndpoints();
app.MapPostsEndpoints();
app.MapUsersEndpoints();
app.MapDiagnosticsCounters();
app.MapSiteEndpoints();

app.Run();
