using System.Diagnostics;
using System.Text;

namespace Harness.Tests.Support;

/// <summary>
/// `harness` in a process of its own (the harness.dll beside the tests), for what an in-process run
/// cannot show: signals, a kill, another working folder.
/// </summary>
public sealed class HarnessProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errors = new();

    private HarnessProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_errors) _errors.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public static HarnessProcess Start(string workingFolder, params string[] args)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? ExternalTools.Find("dotnet") ?? "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = workingFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "harness.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return new HarnessProcess(Process.Start(info)!);
    }

    /// <summary>Waits for the process to end (killing it after <paramref name="timeout"/>, which fails the test).</summary>
    public CliRunner.Result WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill();
            Assert.Fail($"harness did not end within {timeout.TotalSeconds} s");
        }
        _process.WaitForExit(); // the output is read to its end
        lock (_output) lock (_errors) return new CliRunner.Result(_process.ExitCode, _output.ToString(), _errors.ToString());
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails after <paramref name="timeout"/>.</summary>
    public static void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) Assert.Fail($"timed out waiting for {what}");
            Thread.Sleep(5);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
