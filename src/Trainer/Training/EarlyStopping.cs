namespace Harness.Trainer.Training;

/// <summary>
/// Early stopping on a monitored validation value, as Keras/Lightning define it: an epoch improves
/// when the value beats the best by more than <c>minDelta</c> (lower for a loss, higher for AUROC);
/// once at least <c>minEpochs</c> have run, <c>patience</c> epochs without improvement stop
/// training, and a non-finite value stops it at once. The caller restores the best epoch's weights
/// at the end in every case (Keras' restore_best_weights).
/// </summary>
public sealed class EarlyStopping(int patience, double minDelta, bool maximise = false, int minEpochs = 0, string monitor = "validation loss")
{
    public enum Decision { Improved, Continue, Stop }

    private int _epochsWithoutImprovement;

    public int BestEpoch { get; private set; }
    public double BestValue { get; private set; } = maximise ? double.NegativeInfinity : double.PositiveInfinity;
    public string? StopReason { get; private set; }

    /// <summary>Epochs since the last improvement (what a plateau schedule watches).</summary>
    public int EpochsWithoutImprovement => _epochsWithoutImprovement;

    public Decision Observe(int epoch, double value)
    {
        if (!double.IsFinite(value))
        {
            StopReason = $"{monitor} became {value} at epoch {epoch}";
            return Decision.Stop;
        }
        if (maximise ? value > BestValue + minDelta : value < BestValue - minDelta)
        {
            BestValue = value;
            BestEpoch = epoch;
            _epochsWithoutImprovement = 0;
            return Decision.Improved;
        }
        if (++_epochsWithoutImprovement >= patience && epoch >= minEpochs)
        {
            StopReason = $"no {monitor} improvement larger than {minDelta:g} for {_epochsWithoutImprovement} epochs after epoch {BestEpoch}";
            return Decision.Stop;
        }
        return Decision.Continue;
    }
}
