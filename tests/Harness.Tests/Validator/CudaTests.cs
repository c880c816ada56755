using Harness.Core;
using Harness.Tests.Support;
using Harness.Validator;

namespace Harness.Tests.Validator;

/// <summary>Run only on hosts with an NVIDIA GPU (skipped elsewhere, CI included).</summary>
[Collection(NativeCollection.Name)]
public sealed class CudaTests(HeartModelFixture heart)
{
    [CudaFact]
    public void Cuda_provider_gives_the_cpu_probabilities()
    {
        var sites = new[] { RepoPaths.Sites("heart", "va-long-beach") };
        using var cpu = new StringWriter();
        using var gpu = new StringWriter();

        ValidationRun.Run(heart.ModelPath, sites, new ValidationOptions { Device = DeviceRequest.Cpu }, cpu);
        var results = ValidationRun.Run(heart.ModelPath, sites, new ValidationOptions { Device = DeviceRequest.Cuda }, gpu);

        Assert.Equal("CUDAExecutionProvider", results.Execution.Provider);
        var a = cpu.ToString().Split('\n').Skip(1).Where(l => l.Length > 0).Select(l => double.Parse(l.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture));
        var b = gpu.ToString().Split('\n').Skip(1).Where(l => l.Length > 0).Select(l => double.Parse(l.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(a.Zip(b), pair => Assert.Equal(pair.First, pair.Second, 1e-5));
    }
}
