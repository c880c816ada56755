using Harness.Core;
using Harness.Tests.Support;
using Harness.Trainer;

namespace Harness.Tests.Trainer;

/// <summary>Same seed, data, CPU and creation time: the same model.onnx, byte for byte; another seed: another model.</summary>
[Collection(NativeCollection.Name)]
public sealed class ReproducibilityTests
{
    private static byte[] Train(int seed)
    {
        var options = new TrainingOptions
        {
            Optimiser = new() { Epochs = 15 },
            Seed = seed,
            PositiveClass = "disease",
            Device = DeviceRequest.Cpu,
            CreatedUtc = new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero),
        };
        using var temp = new TempFolder();
        using var outcome = TrainingRun.Run([RepoPaths.Sites("heart", "cleveland")], options);
        outcome.WriteTo(temp.Path);
        return File.ReadAllBytes(temp.Combine(TrainingOutcome.ModelFileName));
    }

    [Fact]
    public void A_fixed_creation_time_makes_the_model_byte_identical()
    {
        byte[] first = Train(seed: 7), again = Train(seed: 7), other = Train(seed: 8);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }
}
