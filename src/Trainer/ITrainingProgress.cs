using Harness.Core;
using Harness.Trainer.Training;

namespace Harness.Trainer;

/// <summary>What a long training run tells its caller as it goes (the CLI draws it; tests may ignore it).</summary>
public interface ITrainingProgress
{
    void DeviceChosen(DeviceChoice choice);
    void SplitMade(int trainRows, int validationRows, int maxEpochs);
    void EpochDone(EpochRecord epoch);
}
