using System.Diagnostics;
using Harness.Results;
using Harness.Tests.Support;

namespace Harness.Tests.Build;

/// <summary>
/// harness-validator published once, as scripts/publish-validator.sh does it (self-contained, linux-x64,
/// ONNX Runtime's CPU build), into a temp folder; its own build goes to a temp artifacts folder too, so
/// the repository's bin/ and obj/ are left as they were. Also trains the model the tests validate.
/// </summary>
public sealed class PublishedValidatorFixture : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly HeartModelFixture _model = new();

    public PublishedValidatorFixture()
    {
        var clock = Stopwatch.StartNew();
        // No build servers left behind (they would outlive the test run): no node reuse, no shared compiler.
        (PublishExitCode, PublishLog) = ValidatorPackage.Run(RepoPaths.Root, TimeSpan.FromMinutes(10),
            "bash", Path.Combine(RepoPaths.Root, "scripts", "publish-validator.sh"), Folder, "--",
            "--artifacts-path", _temp.Combine("artifacts"), "-nodeReuse:false", "-p:UseSharedCompilation=false");
        PublishTime = clock.Elapsed;
    }

    /// <summary>The published program's folder.</summary>
    public string Folder => _temp.Combine("harness-validator");
    public string Program => Path.Combine(Folder, "harness-validator");
    public int PublishExitCode { get; }
    public string PublishLog { get; }
    public TimeSpan PublishTime { get; }
    public string ModelPath => _model.ModelPath;

    /// <summary>Every file in the published folder, relative to it.</summary>
    public IReadOnlyList<string> Files() =>
        Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Folder, f)).ToList();

    public void Dispose()
    {
        _model.Dispose();
        _temp.Dispose();
    }
}

/// <summary>Runs a program with its output in a log file (a child that outlives it cannot hold a pipe open).</summary>
internal static class ValidatorPackage
{
    public static (int ExitCode, string Output) Run(string workingFolder, TimeSpan timeout, string program, params string[] args) =>
        Run(workingFolder, timeout, null, program, args);

    public static (int ExitCode, string Output) Run(string workingFolder, TimeSpan timeout, IDictionary<string, string>? environment,
        string program, params string[] args)
    {
        string log = Path.Combine(Path.GetTempPath(), "harness-tests-log-" + Guid.NewGuid().ToString("N")[..12]);
        var info = new ProcessStartInfo("/bin/sh") { WorkingDirectory = workingFolder };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("log=\"$1\"; shift; exec \"$@\" >\"$log\" 2>&1 </dev/null");
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add(log);
        info.ArgumentList.Add(program);
        foreach (var a in args) info.ArgumentList.Add(a);
        if (environment is not null)
        {
            info.Environment.Clear();
            foreach (var (name, value) in environment) info.Environment[name] = value;
        }
        try
        {
            using var process = Process.Start(info)!;
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{program} did not end within {timeout.TotalMinutes} min:\n{File.ReadAllText(log)}");
            }
            return (process.ExitCode, File.ReadAllText(log));
        }
        finally
        {
            File.Delete(log);
        }
    }
}

/// <summary>
/// The validator a hospital installs (README, "A validator a hospital can install"): published
/// self-contained, copied nowhere near the repository or the SDK, it validates a site and writes the
/// report, and it carries neither TorchSharp nor libtorch.
/// </summary>
public sealed class ValidatorPackageTests(PublishedValidatorFixture package) : IClassFixture<PublishedValidatorFixture>
{
    private void AssertPublished() =>
        Assert.True(package.PublishExitCode == 0, $"publish failed ({package.PublishExitCode}):\n{package.PublishLog}");

    /// <summary>
    /// Runs the published program in <paramref name="folder"/> with nothing from this process's
    /// environment: PATH is an empty folder (no dotnet), and home, caches and temp are empty folders.
    /// </summary>
    private static (int ExitCode, string Output) RunValidator(string program, string folder, string sandbox, params string[] args)
    {
        var environment = new Dictionary<string, string> { ["PATH"] = Directory.CreateDirectory(Path.Combine(sandbox, "bin")).FullName };
        foreach (var variable in new[] { "HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "TMPDIR" })
            environment[variable] = Directory.CreateDirectory(Path.Combine(sandbox, variable.ToLowerInvariant())).FullName;
        return ValidatorPackage.Run(folder, TimeSpan.FromMinutes(3), environment, program, args);
    }

    [Fact]
    public void Published_folder_holds_the_program_and_the_fonts_and_no_training_or_CUDA_library()
    {
        AssertPublished();
        var files = package.Files();

        Assert.Contains("harness-validator", files);
        Assert.Contains("libonnxruntime.so", files);
        foreach (var font in new[] { "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf", "DroidSansFallback.ttf", "LICENSE-DejaVu.txt" })
            Assert.Contains(Path.Combine("fonts", font), files);
        // Not the trainer: no TorchSharp, no libtorch (libtorch*.so, libc10*.so, libLibTorchSharp.so)
        Assert.DoesNotContain(files, f => f.Contains("torch", StringComparison.OrdinalIgnoreCase)
            || Path.GetFileName(f).StartsWith("libc10", StringComparison.Ordinal) || f.Contains("Trainer", StringComparison.Ordinal));
        // The CPU build by default: no CUDA provider; and no Windows copies of ONNX Runtime
        Assert.DoesNotContain(files, f => f.Contains("providers_cuda", StringComparison.Ordinal) || f.EndsWith("onnxruntime.dll", StringComparison.Ordinal));
    }

    [Fact]
    public void Copied_into_a_bare_folder_it_validates_a_site_and_writes_the_report_without_dotnet()
    {
        AssertPublished();
        // Given a folder that holds only the published program, a site and a model, far from the repository
        using var temp = new TempFolder();
        string install = temp.Combine("hospital");
        CopyFolder(package.Folder, Path.Combine(install, "harness-validator"));
        CopyFolder(RepoPaths.Sites("heart", "switzerland"), Path.Combine(install, "switzerland"));
        File.Copy(package.ModelPath, Path.Combine(install, "model.onnx"));
        string sandbox = Directory.CreateDirectory(temp.Combine("sandbox")).FullName;

        // When the program is run directly, with no dotnet on PATH
        var validate = RunValidator(Path.Combine(install, "harness-validator", "harness-validator"), install, sandbox,
            "validate", "--model", "model.onnx", "--site", "switzerland", "--out", "out", "--bootstrap", "200");

        // Then it validates on the CPU and writes results.json and report.pdf, and nothing outside --out
        Assert.True(validate.ExitCode == 0, validate.Output);
        Assert.True(File.Exists(Path.Combine(install, "out", "results.json")), validate.Output);
        Assert.True(File.Exists(Path.Combine(install, "out", "report.pdf")), validate.Output);
        var results = ResultsJson.Read(Path.Combine(install, "out", "results.json"));
        Assert.Equal("CPUExecutionProvider", results.Execution.Provider);
        Assert.Contains("this ONNX Runtime build has no CUDA execution provider", results.Execution.Reason);
        Assert.Equal(["switzerland"], results.Sites.Select(s => s.Name));
        Assert.Empty(Directory.EnumerateFiles(sandbox, "*", SearchOption.AllDirectories));

        // And verify, run the same way, finds the report's embedded results match the model and site
        var verify = RunValidator(Path.Combine(install, "harness-validator", "harness-validator"), install, sandbox,
            "verify", Path.Combine("out", "report.pdf"), "--model", "model.onnx", "--site", "switzerland");
        Assert.True(verify.ExitCode == 0, verify.Output);
    }

    [Fact]
    public void It_offers_validate_report_and_verify_only()
    {
        AssertPublished();
        using var temp = new TempFolder();

        var help = RunValidator(package.Program, temp.Path, temp.Combine("sandbox"), "--help");
        var train = RunValidator(package.Program, temp.Path, temp.Combine("sandbox"), "train", "--site", "x", "--out", "y");

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("harness-validator [OPTIONS] <COMMAND>", help.Output);
        foreach (var command in new[] { "validate", "report", "verify" }) Assert.Contains($"    {command} ", help.Output);
        Assert.DoesNotContain("    train ", help.Output);
        Assert.DoesNotContain("    demo ", help.Output);
        Assert.Equal(1, train.ExitCode);
        Assert.Contains("Unknown command 'train'", train.Output);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target, File.GetUnixFileMode(file)); // the program stays executable
        }
    }
}

/// <summary>-p:ValidatorCuda=true swaps ONNX Runtime's CPU build for the Linux build with the CUDA provider (an evaluation, no build).</summary>
public sealed class ValidatorCudaOptionTests
{
    [Theory]
    [InlineData("false", "Microsoft.ML.OnnxRuntime")]
    [InlineData("true", "Microsoft.ML.OnnxRuntime.Gpu.Linux")]
    public void ValidatorCuda_picks_the_ONNX_Runtime_package(string cuda, string expected)
    {
        var (exit, output) = ValidatorPackage.Run(RepoPaths.Root, TimeSpan.FromMinutes(3), "dotnet", "msbuild",
            Path.Combine(RepoPaths.Root, "src", "ValidatorCli", "Harness.ValidatorCli.csproj"),
            $"-p:ValidatorCuda={cuda}", "-getItem:PackageReference", "-nodeReuse:false");

        Assert.True(exit == 0, output);
        var packages = System.Text.Json.Nodes.JsonNode.Parse(output)!["Items"]!["PackageReference"]!.AsArray()
            .Select(p => p!["Identity"]!.GetValue<string>()).ToList();
        Assert.Contains(expected, packages);
        Assert.DoesNotContain(packages, p => p.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal) && p != expected);
        Assert.DoesNotContain(packages, p => p.Contains("Torch", StringComparison.OrdinalIgnoreCase));
    }
}
