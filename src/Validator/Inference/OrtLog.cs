using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace Harness.Validator.Inference;

/// <summary>
/// ONNX Runtime's process-wide environment, created with a logger of ours: its errors are kept
/// for Harness to explain (the CUDA probe's real cause, such as a missing libcublasLt.so.13)
/// instead of being printed onto the user's terminal by the native library.
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
            var options = new EnvironmentCreationOptions
            {
                logId = "harness",
                logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
                loggingFunction = Logger,
            };
            OrtEnv.CreateInstanceWithOptions(ref options);
        }
    }

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
