using ScaleApp.Gateway.Edge;
using ScaleApp.Gateway.EdgeCache;
using ScaleApp.Gateway.Proxy;
using ScaleApp.Gateway.RateLimiting;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayProxy();
builder.AddClientRateLimiting();
builder.AddEdgeCache();

var app = builder.Build();

app.UseExceptionHandler();
app.UseEdgeProtection();
app.UseClientRateLimiting();
app.UseEdgeCache();

app.MapDefaultEndpoints();
app.MapEdgeCacheAdmin();
app.MapGatewayProxy();

app.Run();
