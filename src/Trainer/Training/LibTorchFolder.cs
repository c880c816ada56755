using System.Runtime.InteropServices;
using Harness.Core;

namespace Harness.Trainer.Training;

/// <summary>
/// Loads libtorch from the folder that HARNESS_LIBTORCH_DIR names (the lib folder of a libtorch
/// download or of a Python install of PyTorch: <c>python3 -c 'import torch, os;
/// print(os.path.join(os.path.dirname(torch.__file__), "lib"))'</c>), before TorchSharp looks for
/// its own. TorchSharp finds only the libtorch of its NuGet package by itself; the CUDA package
/// (TorchSharp-cuda-linux) is not served everywhere, but a CUDA build of PyTorch often is installed.
/// Once libc10, libtorch_cpu, libtorch_cuda and libtorch are loaded, libLibTorchSharp's needs resolve
/// to them by their sonames.
/// </summary>
public static class LibTorchFolder
{
    public const string Variable = "HARNESS_LIBTORCH_DIR";

    // Each after what it needs; the CUDA ones are absent from a CPU build.
    static readonly string[] InLoadOrder = ["libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so"];
    static readonly Lock Gate = new();
    static string? loadedFrom;

    /// <summary>The folder libtorch was loaded from, or null when the variable is unset (TorchSharp's own is used).</summary>
    public static string? LoadIfNamed()
    {
        string? folder = Environment.GetEnvironmentVariable(Variable);
        return string.IsNullOrWhiteSpace(folder) ? null : Load(folder);
    }

    /// <summary>Loads libtorch's libraries from <paramref name="folder"/> once per process; the first folder loaded stays.</summary>
    public static string Load(string folder)
    {
        lock (Gate)
        {
            const string Fix = "Point HARNESS_LIBTORCH_DIR at the lib folder of a libtorch or PyTorch install (it holds libtorch_cpu.so), or unset it to use the libtorch Harness was built with.";
            if (!File.Exists(Path.Combine(folder, "libtorch_cpu.so")))
                throw new InputException($"{Variable}='{folder}' holds no libtorch_cpu.so.", Fix);
            if (loadedFrom is not null) return loadedFrom;
            foreach (string name in InLoadOrder)
            {
                string path = Path.Combine(folder, name);
                if (!File.Exists(path)) continue;
                try { NativeLibrary.Load(path); }
                catch (DllNotFoundException e)
                {
                    throw new InputException($"{Variable}: {path} does not load: {e.Message.ReplaceLineEndings(" ")}", Fix);
                }
            }
            return loadedFrom = folder;
        }
    }
}
