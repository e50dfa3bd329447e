using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using ScaleApp.Api.Posts;

namespace ScaleApp.Tests.Unit.Api;

public class FeedCursorTests
{
    public static TheoryData<DateTime, long> Positions => new()
    {
        { new DateTime(2026, 12, 4, 19, 0, 0, DateTimeKind.Utc), 1 },
        { new DateTime(2026, 12, 4, 19, 0, 0, DateTimeKind.Utc).AddTicks(1_234_560), 123_456_789 },
        { new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc), long.MaxValue },
        { new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_999), 42 },
        { DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc), 3 },
    };

    [Theory]
    [MemberData(nameof(Positions))]
    public void RoundTripKeepsPosition(DateTime createdAt, long id)
    {
        var token = FeedCursor.Encode(new FeedPosition(createdAt, id));

        Assert.True(FeedCursor.TryDecode(token, out var decoded));
        Assert.Equal(createdAt, decoded.CreatedAt);
        Assert.Equal(DateTimeKind.Utc, decoded.CreatedAt.Kind);
        Assert.Equal(id, decoded.Id);
    }

    [Theory]
    [MemberData(nameof(Positions))]
    public void TokenIsUrlSafeAndFixedLength(DateTime createdAt, long id)
    {
        var token = FeedCursor.Encode(new FeedPosition(createdAt, id));

        Assert.Equal(FeedCursor.TokenLength, token.Length);
        Assert.All(token, character => Assert.True(char.IsAsciiLetterOrDigit(character) || character is '-' or '_', $"unexpected character '{character}'"));
    }

    [Fact]
    public void EncodeConvertsLocalTimeToUtc()
    {
        var utc = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);

        var token = FeedCursor.Encode(new FeedPosition(utc.ToLocalTime(), 7));

        Assert.True(FeedCursor.TryDecode(token, out var decoded));
        Assert.Equal(utc, decoded.CreatedAt);
    }

    [Fact]
    public void EveryChangedCharacterIsRejected()
    {
        var token = FeedCursor.Encode(new FeedPosition(new DateTime(2026, 12, 4, 19, 0, 0, DateTimeKind.Utc), 31));

        for (var index = 0; index < token.Length; index++)
        {
            var replacement = token[index] == 'A' ? 'B' : 'A';
            var tampered = string.Concat(token.AsSpan(0, index), replacement.ToString(), token.AsSpan(index + 1));

            Assert.False(FeedCursor.TryDecode(tampered, out _), $"token changed at index {index} was accepted: {tampered}");
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("AQjfUkHFoOIsAAAAAAAAAB6R-P_")]
    [InlineData("AQjfUkHFoOIsAAAAAAAAAB6R-P_vA")]
    [InlineData("AQjfUkHFoOIsAAAAAAAAAB6R-P_v=")]
    [InlineData("AQjfUkHFoOIsAAAAAAAAAB6R+P/v")]
    [InlineData("AQjfUkHFoOIsAAAAAAAAAB6R P_v")]
    [InlineData("AQjfUkHFoOIsAAAAAAAAAB6R-P_\u00e9")]
    [InlineData("############################")]
    public void MalformedTokenIsRejected(string? token)
    {
        Assert.False(FeedCursor.TryDecode(token, out _));
    }

    [Theory]
    [InlineData(1, 638_000_000_000_000_000L, 0L)]
    [InlineData(1, 638_000_000_000_000_000L, -5L)]
    [InlineData(1, -1L, 5L)]
    [InlineData(1, long.MaxValue, 5L)]
    [InlineData(2, 638_000_000_000_000_000L, 5L)]
    [InlineData(0, 638_000_000_000_000_000L, 5L)]
    public void ValidChecksumWithInvalidFieldsIsRejected(byte version, long ticks, long id)
    {
        var token = BuildToken(version, ticks, id);

        Assert.False(FeedCursor.TryDecode(token, out _));
    }

    [Fact]
    public void HandBuiltTokenMatchesEncode()
    {
        var createdAt = new DateTime(2026, 12, 4, 19, 0, 0, DateTimeKind.Utc);

        Assert.Equal(FeedCursor.Encode(new FeedPosition(createdAt, 99)), BuildToken(1, createdAt.Ticks, 99));
    }

    // Builds a token in the documented layout, so the tests can reach checks behind the checksum.
    private static string BuildToken(byte version, long ticks, long id)
    {
        var bytes = new byte[21];
        bytes[0] = version;
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), ticks);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(9), id);
        SHA256.HashData(bytes.AsSpan(0, 17)).AsSpan(0, 4).CopyTo(bytes.AsSpan(17));
        return Base64Url.EncodeToString(bytes);
    }
}
