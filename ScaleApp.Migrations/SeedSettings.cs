namespace ScaleApp.Migrations;

/// <summary>
/// Settings of the <c>Seed</c> configuration section: whether to load sample data after the
/// migrations, and how many rows each table should contain afterwards.
/// </summary>
internal sealed class SeedSettings
{
    public const string SectionName = "Seed";

    /// <summary>Seeds after migrating; also set by the <c>seed</c> command-line verb.</summary>
    public bool Enabled { get; set; }

    /// <summary>Number of rows the users table should contain after seeding (not the number added).</summary>
    public int Users { get; set; } = 10_000;

    /// <summary>Number of rows the posts table should contain after seeding (not the number added).</summary>
    public int Posts { get; set; } = 200_000;

    /// <summary>Spread of the posts' created_at values back from the time of seeding.</summary>
    public int HistoryDays { get; set; } = 365;

    public void Validate()
    {
        if (Users < 1 || Posts < 0 || HistoryDays < 1)
        {
            throw new InvalidOperationException(
                $"Seed settings are invalid: Users={Users}, Posts={Posts}, HistoryDays={HistoryDays}. " +
                "Users and HistoryDays must be at least 1 and Posts at least 0.");
        }
    }
}
