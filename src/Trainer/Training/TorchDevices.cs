using Harness.Core;
using static TorchSharp.torch;

namespace Harness.Trainer.Training;

/// <summary>The TorchSharp device training runs on, and why it was chosen.</summary>
public sealed record TrainingDevice(Device Device, DeviceChoice Choice);

/// <summary>Picks the TorchSharp device for --device, and says why.</summary>
public static class TorchDevices
{
    public static TrainingDevice Select(DeviceRequest request)
    {
        string requested = request.ToString().ToLowerInvariant();
        string? folder = LibTorchFolder.LoadIfNamed();
        string from = folder is null ? "" : $"; libtorch from {LibTorchFolder.Variable}={folder}";
        if (request == DeviceRequest.Cpu)
            return new(CPU, new DeviceChoice(requested, "cpu", "--device cpu was requested" + from));

        bool available = cuda.is_available();
        if (available)
            return new(CUDA, new DeviceChoice(requested, "cuda",
                $"TorchSharp sees {cuda.device_count()} CUDA device(s)" + (request == DeviceRequest.Auto ? " (auto)" : "") + from));
        if (request == DeviceRequest.Cuda)
            throw new InputException(
                "--device cuda was requested but TorchSharp sees no CUDA device (this build's libtorch is the CPU package, or no NVIDIA driver is loaded).",
                $"Use --device cpu or auto here; on a GPU host, set {LibTorchFolder.Variable} to a CUDA PyTorch's lib folder or build with -p:TorchSharpBackend=cuda (see README.md, 'GPU').");
        return new(CPU, new DeviceChoice(requested, "cpu",
            "auto: TorchSharp sees no CUDA device (torch.cuda.is_available() is false), so training runs on the CPU" + from));
    }
}
