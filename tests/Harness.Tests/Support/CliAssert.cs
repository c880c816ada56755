using Harness.Cli;

namespace Harness.Tests.Support;

/// <summary>The command-line contract for bad input, asserted the same way by every CLI test.</summary>
public static class CliAssert
{
    /// <summary>Exit code 1 and one line on stderr, "error: ...", holding each expected text, with no stack trace.</summary>
    public static void Refused(CliRunner.Result result, params string[] expected)
    {
        Assert.True(result.ExitCode == ExitCodes.InputError, $"exit {result.ExitCode}: {result.Errors}");
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: ", line);
        foreach (var text in expected) Assert.Contains(text, line);
        Assert.DoesNotContain("   at ", result.Errors);
    }

    /// <summary>Refused, with neither the output folder <paramref name="outName"/> in <paramref name="parent"/> nor a staging folder for it left behind.</summary>
    public static void CleanFailure(CliRunner.Result result, string parent, string outName, params string[] expected)
    {
        Refused(result, expected);
        Assert.False(Directory.Exists(Path.Combine(parent, outName)), "the output folder must not exist");
        Assert.Empty(StagingFolders(parent, outName));
    }

    public static IEnumerable<string> StagingFolders(string parent, string outName) =>
        Directory.EnumerateDirectories(parent, $".{outName}.partial-*");
}
