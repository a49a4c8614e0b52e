namespace Ecosystem.Grains;

/// <summary>Names of the Orleans providers the host registers.</summary>
public static class StorageNames
{
    /// <summary>Grain snapshots and master data (ADO.NET on SQLite or PostgreSQL).</summary>
    public const string Default = "ecosystem";
}
