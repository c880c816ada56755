using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Harness.Validator.Inference;

/// <summary>
/// ONNX Runtime's process-wide environment, created with a logger of ours: its errors are kept
/// for Harness to explain (the CUDA probe's real cause, such as a missing libcublasLt.so.13)
/// instead of being printed onto the user's terminal by the native library. Its telemetry is
/// off: ONNX Runtime 1.31 otherwise keeps an event queue (model file and graph names, producer,
/// OS, error text) in ~/.cache/Microsoft/DeveloperTools/.onnxruntime/onnxruntime.db, outside --out.
/// </summary>
internal static class OrtLog
{
    private const int Kept = 32;
    private static readonly ConcurrentQueue<(long Number, string Message)> Errors = new();
    private static long _logged; // errors logged so far: numbers stay meaningful after old ones are dropped
    private static readonly DOrtLoggingFunction Logger = Log; // kept alive: native code holds a pointer to it
    private static readonly Lock Gate = new();

    /// <summary>Creates the environment once, before any session; later calls do nothing.</summary>
    public static void EnsureEnvironment()
    {
        lock (Gate)
        {
            if (OrtEnv.IsCreated) return;
            DisableTelemetry();
            var options = new EnvironmentCreationOptions
            {
                logId = "harness",
                logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
                loggingFunction = Logger,
            };
            OrtEnv.CreateInstanceWithOptions(ref options);
            OrtEnv.Instance().DisableTelemetryEvents();
        }
    }

    /// <summary>
    /// The telemetry store is opened when the environment is created, before DisableTelemetryEvents
    /// can run: only ORT_DISABLE_TELEMETRY=1, read by the native library, stops it. On Unix .NET
    /// keeps its own copy of the environment (Environment.SetEnvironmentVariable never reaches
    /// getenv), so libc's setenv sets it too; on Windows the managed call is enough.
    /// </summary>
    private static void DisableTelemetry()
    {
        const string name = "ORT_DISABLE_TELEMETRY";
        Environment.SetEnvironmentVariable(name, "1");
        if (!OperatingSystem.IsWindows()) SetEnv(name, "1", overwrite: 1);
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    /// <summary>Error messages logged since <paramref name="mark"/> (a count from <see cref="Mark"/>).</summary>
    public static IReadOnlyList<string> Since(long mark) => Errors.Where(e => e.Number >= mark).Select(e => e.Message).ToList();

    public static long Mark() => Interlocked.Read(ref _logged);

    private static void Log(IntPtr param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        if (severity < OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR) return;
        Errors.Enqueue((Interlocked.Increment(ref _logged) - 1, message));
        while (Errors.Count > Kept) Errors.TryDequeue(out _);
    }
}
