namespace Harness.Core;

/// <summary>Where the user asked computation to run (--device).</summary>
public enum DeviceRequest
{
    /// <summary>CUDA when it is usable, else CPU; the fallback and its reason are reported.</summary>
    Auto,
    Cpu,
    /// <summary>CUDA or a loud failure: never a silent fall back to CPU.</summary>
    Cuda,
}

/// <summary>The device that was used, and why: printed, and recorded in training.json and results.json.</summary>
public sealed record DeviceChoice(string Requested, string Used, string Reason);
