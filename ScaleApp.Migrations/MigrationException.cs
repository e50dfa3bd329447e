namespace ScaleApp.Migrations;

/// <summary>Failure to apply one migration file; its transaction was rolled back.</summary>
internal sealed class MigrationException(string fileName, Exception innerException)
    : Exception($"Migration '{fileName}' failed and was rolled back: {innerException.Message}", innerException)
{
    public string FileName { get; } = fileName;
}
