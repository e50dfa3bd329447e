using System.Reflection;
using System.Text.RegularExpressions;

namespace ScaleApp.Migrations;

/// <summary>
/// A versioned SQL migration file such as <c>0001_initial_schema.sql</c>. The version is the
/// four-digit prefix, which is what <c>schema_migrations.version</c> stores.
/// </summary>
internal sealed partial record MigrationScript(string Version, string FileName, string Sql)
{
    /// <summary>Prefix of the embedded resource names; the csproj sets it with <c>LogicalName</c>.</summary>
    internal const string ResourcePrefix = "Sql/";

    /// <summary>
    /// Reads the <c>Sql/*.sql</c> files embedded in <paramref name="assembly"/> and returns them in
    /// the order they must be applied.
    /// </summary>
    internal static IReadOnlyList<MigrationScript> LoadEmbedded(Assembly assembly)
    {
        var files = new List<(string FileName, string Sql)>();

        foreach (var resourceName in assembly.GetManifestResourceNames())
        {
            if (!resourceName.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resourceName)
                ?? throw new InvalidOperationException($"Embedded resource '{resourceName}' could not be opened.");
            using var reader = new StreamReader(stream);
            files.Add((resourceName[ResourcePrefix.Length..], reader.ReadToEnd()));
        }

        if (files.Count == 0)
        {
            throw new InvalidOperationException(
                $"No migration scripts are embedded in {assembly.GetName().Name}. " +
                "Add Sql/*.sql files as EmbeddedResource items with LogicalName 'Sql/<file name>'.");
        }

        return Sort(files);
    }

    /// <summary>
    /// Validates the file names and returns the scripts sorted by file name (ordinal), which equals
    /// version order because every version has four digits.
    /// </summary>
    /// <exception cref="FormatException">A file name does not match <c>NNNN_name.sql</c>, or a script is empty.</exception>
    /// <exception cref="InvalidOperationException">Two files have the same version.</exception>
    internal static IReadOnlyList<MigrationScript> Sort(IEnumerable<(string FileName, string Sql)> files)
    {
        var scripts = new List<MigrationScript>();

        foreach (var (fileName, sql) in files)
        {
            if (string.IsNullOrWhiteSpace(sql))
            {
                throw new FormatException($"Migration file '{fileName}' is empty.");
            }

            scripts.Add(new MigrationScript(ParseVersion(fileName), fileName, sql));
        }

        scripts.Sort((left, right) => string.CompareOrdinal(left.FileName, right.FileName));

        for (var i = 1; i < scripts.Count; i++)
        {
            if (scripts[i].Version == scripts[i - 1].Version)
            {
                throw new InvalidOperationException(
                    $"Migration files '{scripts[i - 1].FileName}' and '{scripts[i].FileName}' have the same version " +
                    $"'{scripts[i].Version}'. Give one of them the next free number.");
            }
        }

        return scripts;
    }

    /// <summary>Returns the version of a migration file name, e.g. <c>0001</c> for <c>0001_initial_schema.sql</c>.</summary>
    /// <exception cref="FormatException">The name does not match <c>NNNN_name.sql</c>.</exception>
    internal static string ParseVersion(string fileName)
    {
        var match = FileNamePattern().Match(fileName);

        if (!match.Success)
        {
            throw new FormatException(
                $"Migration file name '{fileName}' is invalid. Expected four digits, an underscore, a name " +
                "of lowercase letters, digits and underscores, and '.sql', e.g. '0002_add_user_bio.sql'.");
        }

        return match.Groups["version"].Value;
    }

    [GeneratedRegex(@"^(?<version>[0-9]{4})_[a-z0-9_]+\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();
}
