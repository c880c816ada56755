namespace Harness.Trainer.Training;

/// <summary>
/// The learning rate of each epoch: constant ("none"); cosine annealing from the base rate to 0
/// over the epoch limit, lr(e) = lr0 (1 + cos(pi (e - 1) / E)) / 2 (PyTorch's CosineAnnealingLR
/// with eta_min 0, per epoch); or "plateau", halved each time early stopping's monitor has not
/// improved for max(1, patience / 2) epochs (ReduceLROnPlateau with factor 0.5).
/// </summary>
public sealed class LearningRateSchedule(string kind, double baseRate, int epochs, int patience)
{
    private readonly double _base = baseRate;
    private double _rate = baseRate;
    private int _lastReducedAt = -1;

    /// <param name="epoch">1-based epoch about to be trained.</param>
    /// <param name="epochsWithoutImprovement">Early stopping's count so far.</param>
    public double Rate(int epoch, int epochsWithoutImprovement)
    {
        switch (kind)
        {
            case TrainingOptions.CosineLr:
                return _base * (1 + Math.Cos(Math.PI * (epoch - 1) / epochs)) / 2;
            case TrainingOptions.PlateauLr:
                int wait = Math.Max(1, patience / 2);
                if (epochsWithoutImprovement > 0 && epochsWithoutImprovement % wait == 0 && epochsWithoutImprovement != _lastReducedAt)
                {
                    _rate /= 2;
                    _lastReducedAt = epochsWithoutImprovement;
                }
                if (epochsWithoutImprovement == 0) _lastReducedAt = -1;
                return _rate;
            default:
                return _base;
        }
    }
}
