namespace Harness.Trainer.Training;

/// <summary>
/// Early stopping on a loss to minimise, as Keras/Lightning define it: an epoch improves when the
/// loss drops below the best by more than <c>minDelta</c>; after <c>patience</c> epochs without
/// improvement, or on a non-finite loss, training stops. The caller restores the best epoch's
/// weights at the end in every case (Keras' restore_best_weights).
/// </summary>
public sealed class EarlyStopping(int patience, double minDelta)
{
    public enum Decision { Improved, Continue, Stop }

    private int _epochsWithoutImprovement;

    public int BestEpoch { get; private set; }
    public double BestLoss { get; private set; } = double.PositiveInfinity;
    public string? StopReason { get; private set; }

    public Decision Observe(int epoch, double loss)
    {
        if (!double.IsFinite(loss))
        {
            StopReason = $"validation loss became {loss} at epoch {epoch}";
            return Decision.Stop;
        }
        if (loss < BestLoss - minDelta)
        {
            BestLoss = loss;
            BestEpoch = epoch;
            _epochsWithoutImprovement = 0;
            return Decision.Improved;
        }
        if (++_epochsWithoutImprovement >= patience)
        {
            StopReason = $"no improvement larger than {minDelta:g} for {patience} epochs after epoch {BestEpoch}";
            return Decision.Stop;
        }
        return Decision.Continue;
    }
}
