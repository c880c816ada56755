namespace Harness.Tests.Support;

/// <summary>Locations inside the repository, found from the test binaries upwards.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Sites(params string[] parts) => Path.Combine([Root, "sites", .. parts]);

    /// <summary>Files copied next to the test binaries (tests/Harness.Tests/Data).</summary>
    public static string TestData(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Data", .. parts]);

    /// <summary>Scripts copied next to the test binaries (tests/Harness.Tests/Scripts).</summary>
    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Scripts", name);

    /// <summary>Recorded at build time (works with --artifacts-path builds too); else searched upwards.</summary>
    private static string FindRoot()
    {
        var recorded = typeof(RepoPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        if (recorded is not null && File.Exists(Path.Combine(recorded, "Harness.sln"))) return Path.GetFullPath(recorded);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Harness.sln"))) return dir.FullName;
        throw new InvalidOperationException("Harness.sln not found above " + AppContext.BaseDirectory);
    }
}
