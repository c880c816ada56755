using Harness.Core;

namespace Harness.Cli.Commands;

internal static class DeviceOption
{
    public const string Help = "Where to compute: auto (CUDA when usable, else CPU, said out loud), cpu, or cuda (fails if CUDA is unusable).";

    public static DeviceRequest Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "auto" => DeviceRequest.Auto,
        "cpu" => DeviceRequest.Cpu,
        "cuda" or "gpu" => DeviceRequest.Cuda,
        _ => throw new InputException($"--device '{value}' is not a device.", "Use --device auto, cpu or cuda."),
    };
}
