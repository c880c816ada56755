using System.Diagnostics;
using Harness.Tests.Support;

namespace Harness.Tests.Cli;

/// <summary>
/// Harness writes only into --out. ONNX Runtime 1.31 keeps a telemetry store (model file and graph
/// names, producer, OS, errors) in ~/.cache/Microsoft/DeveloperTools/.onnxruntime/onnxruntime.db
/// unless ORT_DISABLE_TELEMETRY=1 is in the native environment before its environment is made.
/// Environment variables must reach native code, so the built CLI runs as a child process with
/// its home, caches and temp folder pointed at empty folders.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class NoLeakTests
{
    /// <summary>Where a library could write outside --out: home, the XDG folders, .NET's own home, the temp folder.</summary>
    private static readonly string[] Homes = ["HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "DOTNET_CLI_HOME", "TMPDIR"];

    private static (int ExitCode, string Output) RunHarness(string sandbox, params string[] args)
    {
        string harness = Path.Combine(AppContext.BaseDirectory, "harness.dll");
        Assert.True(File.Exists(harness), $"{harness} is not next to the test binaries");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? ExternalTools.Find("dotnet") ?? "dotnet";
        var info = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(harness);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var variable in Homes)
            info.Environment[variable] = Directory.CreateDirectory(Path.Combine(sandbox, variable.ToLowerInvariant())).FullName;
        // The child must switch telemetry off itself: nothing inherited from this process may do it for it.
        info.Environment.Remove("ORT_DISABLE_TELEMETRY");
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + errors.Result);
    }

    [Fact]
    public void Train_and_validate_write_nothing_outside_their_output_folders()
    {
        // Given empty home, cache, config, data, state and temp folders
        using var temp = new TempFolder();
        string sandbox = Directory.CreateDirectory(temp.Combine("sandbox")).FullName;

        // When the CLI trains and then validates in a child process that sees only them
        var train = RunHarness(sandbox, "train", "--site", RepoPaths.Sites("heart", "cleveland"), "--positive-class", "disease",
            "--epochs", "5", "--out", temp.Combine("run"), "--device", "cpu");
        var validate = RunHarness(sandbox, "validate", "--model", temp.Combine("run", "model.onnx"),
            "--site", RepoPaths.Sites("heart", "switzerland"), "--out", temp.Combine("out"), "--device", "cpu", "--bootstrap", "0");

        // Then both succeed and every one of those folders is still empty
        Assert.True(train.ExitCode == 0, train.Output);
        Assert.True(validate.ExitCode == 0, validate.Output);
        Assert.True(File.Exists(temp.Combine("out", "report.pdf")));
        var written = Directory.EnumerateFileSystemEntries(sandbox, "*", SearchOption.AllDirectories)
            .Select(entry => Path.GetRelativePath(sandbox, entry))
            .Where(entry => entry.Contains(Path.DirectorySeparatorChar)) // inside one of the folders, not the folder itself
            .ToList();
        Assert.Empty(written);
    }
}
