using Harness.Core;
using Harness.Trainer.Training;

namespace Harness.Trainer;

/// <summary>What a long training run tells its caller as it goes (the CLI draws it; tests may ignore it).</summary>
public interface ITrainingProgress
{
    void DeviceChosen(DeviceChoice choice);
    /// <summary>Model <paramref name="index"/> of <paramref name="count"/> starts: a fold, or the final refit on every row.</summary>
    void ModelStarted(string name, int index, int count, int fitRows, int earlyStoppingRows, int evaluateRows, int maxEpochs);
    void EpochDone(EpochRecord epoch);
}
