using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace ScaleApp.Api.Posts;

/// <summary>A place in the feed: the (created_at, id) key of the last post a client has seen.</summary>
internal readonly record struct FeedPosition(DateTime CreatedAt, long Id);

/// <summary>
/// Encodes a <see cref="FeedPosition"/> as an opaque base64url token: a format version byte, the UTC
/// ticks and the id (big-endian), and the first 4 bytes of their SHA-256 hash. The hash detects
/// truncated, edited or mistyped tokens. It is not a signature: a client that forges a token only
/// chooses a position in the public feed, which it may request anyway.
/// </summary>
internal static class FeedCursor
{
    private const byte FormatVersion = 1;
    private const int PayloadLength = 1 + sizeof(long) + sizeof(long);
    private const int ChecksumLength = 4;
    private const int TokenByteLength = PayloadLength + ChecksumLength;

    /// <summary>Number of characters in every valid token (21 bytes in unpadded base64url).</summary>
    public const int TokenLength = 28;

    public static string Encode(FeedPosition position)
    {
        Span<byte> bytes = stackalloc byte[TokenByteLength];
        bytes[0] = FormatVersion;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], position.CreatedAt.ToUniversalTime().Ticks);
        BinaryPrimitives.WriteInt64BigEndian(bytes[(1 + sizeof(long))..], position.Id);
        WriteChecksum(bytes[..PayloadLength], bytes[PayloadLength..]);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>
    /// Decodes a token made by <see cref="Encode"/>. Returns false for anything else: wrong length,
    /// characters outside the base64url alphabet, padding, an unknown version, a checksum mismatch,
    /// ticks outside the <see cref="DateTime"/> range or an id that is not positive.
    /// </summary>
    public static bool TryDecode(string? token, out FeedPosition position)
    {
        position = default;
        if (token is null || token.Length != TokenLength || !IsBase64UrlAlphabet(token))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[TokenByteLength];
        if (!Base64Url.TryDecodeFromChars(token, bytes, out var written) || written != TokenByteLength)
        {
            return false;
        }

        Span<byte> expectedChecksum = stackalloc byte[ChecksumLength];
        WriteChecksum(bytes[..PayloadLength], expectedChecksum);
        if (bytes[0] != FormatVersion || !bytes[PayloadLength..].SequenceEqual(expectedChecksum))
        {
            return false;
        }

        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        var id = BinaryPrimitives.ReadInt64BigEndian(bytes[(1 + sizeof(long))..]);
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks || id <= 0)
        {
            return false;
        }

        position = new FeedPosition(new DateTime(ticks, DateTimeKind.Utc), id);
        return true;
    }

    private static void WriteChecksum(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(payload, hash);
        hash[..ChecksumLength].CopyTo(destination);
    }

    private static bool IsBase64UrlAlphabet(string token)
    {
        foreach (var character in token)
        {
            if (!char.IsAsciiLetterOrDigit(character) && character != '-' && character != '_')
            {
                return false;
            }
        }

        return true;
    }
}
