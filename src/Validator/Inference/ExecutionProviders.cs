using Harness.Core;
using Microsoft.ML.OnnxRuntime;

namespace Harness.Validator.Inference;

/// <summary>
/// Chooses ONNX Runtime's execution provider for --device. CUDA is tried for real (its provider
/// library and CUDA 13 libraries must load); a failure is an error under --device cuda and a
/// stated fallback to CPU under auto. Never silent.
/// </summary>
public static class ExecutionProviders
{
    public const string Cuda = "CUDAExecutionProvider";
    public const string Cpu = "CPUExecutionProvider";

    public static (SessionOptions Options, DeviceChoice Choice) Create(DeviceRequest request)
    {
        string requested = request.ToString().ToLowerInvariant();
        OrtLog.EnsureEnvironment();
        if (request == DeviceRequest.Cpu)
            return (CpuOptions(), new DeviceChoice(requested, Cpu, "--device cpu was requested"));

        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };

        string? failure = null;
        if (!OrtEnv.Instance().GetAvailableProviders().Contains(Cuda))
            failure = "this ONNX Runtime build has no CUDA execution provider";
        else
        {
            long mark = OrtLog.Mark();
            try
            {
                options.AppendExecutionProvider_CUDA(0);
                return (options, new DeviceChoice(requested, Cuda, "the CUDA execution provider loaded on device 0"));
            }
            catch (OnnxRuntimeException e)
            {
                // ONNX Runtime's exception says only "failed to load"; its log says which library was missing.
                failure = OrtLog.Since(mark).Select(Cause).LastOrDefault() ?? FirstLine(e.Message);
            }
        }

        options.Dispose();
        if (request == DeviceRequest.Cuda)
            throw new InputException($"--device cuda was requested but ONNX Runtime's CUDA provider is unusable: {failure}.",
                "Use --device cpu or auto, or install the NVIDIA driver, CUDA 13 and cuDNN 9 that ONNX Runtime 1.31 needs.");
        return (CpuOptions(),
            new DeviceChoice(requested, Cpu, $"auto: CUDA execution provider unavailable ({failure}), so inference runs on the CPU"));
    }

    /// <summary>
    /// On the CPU, one intra-op thread that never spins: the models are small (a batch of 4,096 rows takes
    /// about half a millisecond), and the other cores parse the manifest meanwhile, so ONNX Runtime's default
    /// (a spinning thread per core) would only take their time.
    /// </summary>
    private static SessionOptions CpuOptions()
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = 1 };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }

    /// <summary>"... with error: libcublasLt.so.13: cannot open shared object file ..." -> the part after "error: ".</summary>
    private static string Cause(string logged)
    {
        string line = FirstLine(logged);
        int at = line.LastIndexOf("with error: ", StringComparison.Ordinal);
        return at >= 0 ? line[(at + "with error: ".Length)..] : line;
    }

    private static string FirstLine(string message)
    {
        string line = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? message;
        return line.TrimEnd('.');
    }
}
