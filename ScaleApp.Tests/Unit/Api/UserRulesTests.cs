using ScaleApp.Api.Users;

namespace ScaleApp.Tests.Unit.Api;

public class UserRulesTests
{
    private static (Dictionary<string, string[]> Errors, NewUser? User) Validate(string? name = "Ada", string? email = "ada@example.com")
    {
        var errors = UserRules.Validate(new CreateUserRequest(name, email), out var user);
        return (errors.ToDictionary(), user);
    }

    [Fact]
    public void ValidUserIsTrimmed()
    {
        var (errors, user) = Validate(name: "  Ada Lovelace \t", email: " Ada@Example.com\n");

        Assert.Empty(errors);
        Assert.NotNull(user);
        Assert.Equal("Ada Lovelace", user.Name);
        Assert.Equal("Ada@Example.com", user.Email);
    }

    [Fact]
    public void MissingFieldsAreEachReported()
    {
        var (errors, user) = Validate(name: null, email: null);

        Assert.Equal(["name", "email"], errors.Keys);
        Assert.Null(user);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void BlankNameIsRejected(string name)
    {
        Assert.Equal(["name"], Validate(name: name).Errors.Keys);
    }

    [Fact]
    public void NameLengthIsCheckedAfterTrimming()
    {
        Assert.Empty(Validate(name: "  " + new string('n', 100) + "  ").Errors);
        Assert.Equal(["name"], Validate(name: new string('n', 101)).Errors.Keys);
    }

    [Theory]
    [InlineData("Ada\nLovelace")]
    [InlineData("Ada\tLovelace")]
    [InlineData("Ada\u0000")]
    [InlineData("Ada\u0085Lovelace")]
    public void NameWithControlCharacterIsRejected(string name)
    {
        Assert.Equal(["name"], Validate(name: name).Errors.Keys);
    }

    [Theory]
    [InlineData("ada@example.com")]
    [InlineData("ADA@EXAMPLE.COM")]
    [InlineData("ada.lovelace+newsletter@mail.example.co.uk")]
    [InlineData("o'brien@example.ie")]
    [InlineData("user@localhost")]
    public void ValidEmailIsAccepted(string email)
    {
        Assert.Empty(Validate(email: email).Errors);
    }

    [Theory]
    [InlineData("plainaddress")]
    [InlineData("@example.com")]
    [InlineData("ada@")]
    [InlineData("ada@@example.com")]
    [InlineData("ada@example..com")]
    [InlineData("Ada <ada@example.com>")]
    [InlineData("\"Ada\" <ada@example.com>")]
    [InlineData("<ada@example.com>")]
    [InlineData("ada@example.com (Ada)")]
    [InlineData("ada@example.com, bob@example.com")]
    [InlineData("ada lovelace@example.com")]
    [InlineData("ada@exa\nmple.com")]
    public void InvalidEmailIsRejected(string email)
    {
        var (errors, user) = Validate(email: email);

        Assert.Equal(["email"], errors.Keys);
        Assert.Null(user);
    }

    [Fact]
    public void EmailLengthLimitIs254()
    {
        var atLimit = new string('a', 242) + "@example.com";
        var overLimit = new string('a', 243) + "@example.com";

        Assert.Equal(254, atLimit.Length);
        Assert.Empty(Validate(email: atLimit).Errors);
        Assert.Equal(["email"], Validate(email: overLimit).Errors.Keys);
    }

    [Fact]
    public void BlankEmailIsReportedAsRequired()
    {
        var (errors, _) = Validate(email: "   ");

        Assert.Equal(["email"], errors.Keys);
        Assert.Contains("required", errors["email"][0], StringComparison.Ordinal);
    }
}
