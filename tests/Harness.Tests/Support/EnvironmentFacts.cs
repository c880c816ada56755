using System.Diagnostics;

namespace Harness.Tests.Support;

/// <summary>
/// Runs only where python3 can import the given modules (Debian's python3-onnx, python3-sklearn,
/// python3-scipy and python3-statsmodels, which .ci/run installs); skips with the reason elsewhere, so a bare
/// `dotnet test` still passes on a fresh machine.
/// </summary>
public sealed class PythonFactAttribute : FactAttribute
{
    public PythonFactAttribute(params string[] modules)
    {
        if (ExternalTools.RequireExternalChecks) return;
        if (ExternalTools.Python is null)
            Skip = "python3 not found";
        else if (modules.FirstOrDefault(m => !ExternalTools.PythonHas(m)) is { } missing)
            Skip = $"python3 cannot import '{missing}' (apt-get install python3-onnx python3-sklearn python3-scipy python3-statsmodels; .ci/run does)";
    }
}

/// <summary>Runs only where the given commands are on PATH.</summary>
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(params string[] commands)
    {
        if (ExternalTools.RequireExternalChecks) return;
        if (commands.FirstOrDefault(c => ExternalTools.Find(c) is null) is { } missing)
            Skip = $"'{missing}' is not installed";
    }
}

/// <summary>Runs only where an NVIDIA driver is present (nvidia-smi answers).</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!ExternalTools.HasNvidiaGpu) Skip = "no NVIDIA GPU on this machine";
    }
}

public static class ExternalTools
{
    /// <summary>Set by .ci/run: the independent checks must run there, so a missing tool fails instead of skipping.</summary>
    public static bool RequireExternalChecks { get; } = Environment.GetEnvironmentVariable("HARNESS_REQUIRE_EXTERNAL_CHECKS") == "1";

    private static readonly Dictionary<string, bool> PythonModules = [];

    /// <summary>Debian's python3 first: apt-installed modules live there, not in a pyenv python.</summary>
    public static string? Python { get; } = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : Find("python3");

    public static bool HasNvidiaGpu { get; } = Find("nvidia-smi") is not null && Run("nvidia-smi", "-L").ExitCode == 0;

    public static string? Find(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, command))
            .FirstOrDefault(File.Exists);

    public static bool PythonHas(string module)
    {
        lock (PythonModules)
        {
            if (!PythonModules.TryGetValue(module, out bool has))
                PythonModules[module] = has = Python is not null && Run(Python, "-c", $"import {module}").ExitCode == 0;
            return has;
        }
    }

    /// <summary>Runs a program to completion; returns its exit code and combined output.</summary>
    public static (int ExitCode, string Output) Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
