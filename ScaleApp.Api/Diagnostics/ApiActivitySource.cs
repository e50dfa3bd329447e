using System.Diagnostics;

namespace ScaleApp.Api.Diagnostics;

/// <summary>
/// Source of the API's own spans. ServiceDefaults exports every source named <c>ScaleApp.*</c>.
/// </summary>
internal static class ApiActivitySource
{
    public static readonly ActivitySource Instance = new("ScaleApp.Api");
}
