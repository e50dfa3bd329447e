using ScaleApp.Migrations;

namespace ScaleApp.Tests.Unit.Migrations;

public class MigrationScriptTests
{
    [Theory]
    [InlineData("0001_initial_schema.sql", "0001")]
    [InlineData("0042_add_user_bio.sql", "0042")]
    [InlineData("9999_x.sql", "9999")]
    public void ParseVersionReadsPrefix(string fileName, string version)
    {
        Assert.Equal(version, MigrationScript.ParseVersion(fileName));
    }

    [Theory]
    [InlineData("1_initial_schema.sql")]
    [InlineData("00001_initial_schema.sql")]
    [InlineData("0001-initial_schema.sql")]
    [InlineData("0001_Initial_Schema.sql")]
    [InlineData("0001_initial schema.sql")]
    [InlineData("0001_.sql")]
    [InlineData("0001_initial_schema.SQL")]
    [InlineData("0001_initial_schema.sql.bak")]
    [InlineData("initial_schema.sql")]
    public void ParseVersionRejectsInvalidName(string fileName)
    {
        var exception = Assert.Throws<FormatException>(() => MigrationScript.ParseVersion(fileName));

        Assert.Contains($"'{fileName}'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SortOrdersByFileName()
    {
        var scripts = MigrationScript.Sort(
        [
            ("0010_add_tags.sql", "SELECT 10;"),
            ("0001_initial_schema.sql", "SELECT 1;"),
            ("0002_add_user_bio.sql", "SELECT 2;"),
        ]);

        Assert.Equal(["0001", "0002", "0010"], scripts.Select(script => script.Version));
        Assert.Equal("0001_initial_schema.sql", scripts[0].FileName);
        Assert.Equal("SELECT 1;", scripts[0].Sql);
    }

    [Fact]
    public void SortRejectsDuplicateVersion()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => MigrationScript.Sort(
        [
            ("0002_add_user_bio.sql", "SELECT 2;"),
            ("0001_initial_schema.sql", "SELECT 1;"),
            ("0002_add_tags.sql", "SELECT 3;"),
        ]));

        Assert.Contains("'0002_add_tags.sql'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("'0002_add_user_bio.sql'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SortRejectsEmptyScript()
    {
        var exception = Assert.Throws<FormatException>(() => MigrationScript.Sort([("0001_initial_schema.sql", "  \n")]));

        Assert.Contains("'0001_initial_schema.sql' is empty", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadEmbeddedFindsInitialSchema()
    {
        var scripts = MigrationScript.LoadEmbedded(typeof(MigrationScript).Assembly);

        var first = scripts[0];
        Assert.Equal("0001", first.Version);
        Assert.Equal("0001_initial_schema.sql", first.FileName);
        Assert.Contains("CREATE TABLE email_deliveries", first.Sql, StringComparison.Ordinal);
        Assert.Equal(scripts.OrderBy(script => script.FileName, StringComparer.Ordinal), scripts);
    }
}
