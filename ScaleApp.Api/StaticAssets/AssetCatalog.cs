using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace ScaleApp.Api.StaticAssets;

/// <summary>
/// One static file kept in memory: its fingerprinted URL, its bytes, content type and strong ETag.
/// </summary>
internal sealed record StaticAsset(string Url, ReadOnlyMemory<byte> Content, string ContentType, EntityTagHeaderValue ETag);

/// <summary>
/// The files under <c>wwwroot/assets</c>, each published at <c>/assets/{name}.{hash}.{ext}</c>, where the hash is the
/// start of the SHA-256 of the content. A changed file gets a new URL, so every URL can be cached forever, and the
/// page at <c>/</c> is rendered once with the current URLs.
/// </summary>
internal sealed class AssetCatalog
{
    public const string AssetsPathPrefix = "/assets/";

    private const string AssetsFolder = "assets";
    private const string PageFile = "index.html";
    private const int FingerprintLength = 12;

    private readonly FrozenDictionary<string, StaticAsset> _assetsByUrl;

    private AssetCatalog(FrozenDictionary<string, StaticAsset> assetsByUrl, StaticAsset page)
    {
        _assetsByUrl = assetsByUrl;
        Page = page;
    }

    /// <summary>The HTML page served at <c>/</c>, with every <c>{{asset:file}}</c> placeholder replaced by that file's URL.</summary>
    public StaticAsset Page { get; }

    /// <summary>The fingerprinted URL of each source file name, e.g. <c>site.css</c> to <c>/assets/site.1a2b3c4d5e6f.css</c>.</summary>
    public IReadOnlyDictionary<string, string> UrlsByFileName { get; private init; } = FrozenDictionary<string, string>.Empty;

    public bool TryGetAsset(string url, out StaticAsset asset) => _assetsByUrl.TryGetValue(url, out asset!);

    /// <summary>
    /// Reads every file under <c>assets</c> and the page from the web root.
    /// </summary>
    /// <exception cref="InvalidOperationException">The page or a file it references is missing from the web root.</exception>
    public static AssetCatalog Load(IFileProvider webRoot)
    {
        var contentTypes = new FileExtensionContentTypeProvider();
        var assetsByUrl = new Dictionary<string, StaticAsset>(StringComparer.Ordinal);
        var urlsByFileName = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var file in webRoot.GetDirectoryContents(AssetsFolder).Where(file => !file.IsDirectory))
        {
            var content = ReadAll(file);
            var hash = Convert.ToHexStringLower(SHA256.HashData(content));
            var extension = Path.GetExtension(file.Name);
            var url = $"{AssetsPathPrefix}{Path.GetFileNameWithoutExtension(file.Name)}.{hash[..FingerprintLength]}{extension}";
            var contentType = contentTypes.TryGetContentType(file.Name, out var type) ? type : "application/octet-stream";

            assetsByUrl[url] = new StaticAsset(url, content, contentType, new EntityTagHeaderValue($"\"{hash}\""));
            urlsByFileName[file.Name] = url;
        }

        var page = RenderPage(webRoot, urlsByFileName);
        return new AssetCatalog(assetsByUrl.ToFrozenDictionary(StringComparer.Ordinal), page)
        {
            UrlsByFileName = urlsByFileName.ToFrozenDictionary(StringComparer.Ordinal),
        };
    }

    private static StaticAsset RenderPage(IFileProvider webRoot, Dictionary<string, string> urlsByFileName)
    {
        var file = webRoot.GetFileInfo(PageFile);
        if (!file.Exists)
        {
            throw new InvalidOperationException($"The web root has no '{PageFile}'. Add it under ScaleApp.Api/wwwroot.");
        }

        var html = Encoding.UTF8.GetString(ReadAll(file));
        var rendered = new StringBuilder(html.Length);
        var position = 0;
        while (true)
        {
            var start = html.IndexOf("{{asset:", position, StringComparison.Ordinal);
            if (start < 0)
            {
                rendered.Append(html, position, html.Length - position);
                break;
            }

            var end = html.IndexOf("}}", start, StringComparison.Ordinal);
            var fileName = html[(start + "{{asset:".Length)..end];
            if (!urlsByFileName.TryGetValue(fileName, out var url))
            {
                throw new InvalidOperationException(
                    $"'{PageFile}' references the asset '{fileName}', which is not in wwwroot/{AssetsFolder}. Add the file or fix the name.");
            }

            rendered.Append(html, position, start - position).Append(url);
            position = end + 2;
        }

        var content = Encoding.UTF8.GetBytes(rendered.ToString());
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        return new StaticAsset("/", content, "text/html; charset=utf-8", new EntityTagHeaderValue($"\"{hash}\""));
    }

    private static byte[] ReadAll(IFileInfo file)
    {
        using var stream = file.CreateReadStream();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
