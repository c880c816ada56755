using Harness.Trainer.Training;
using static Harness.Trainer.Training.EarlyStopping;

namespace Harness.Tests.Trainer;

public sealed class EarlyStoppingTests
{
    [Fact]
    public void Stops_after_patience_epochs_without_an_improvement_larger_than_min_delta()
    {
        // Given patience 2 and min_delta 0.01: 0.50 improves, 0.495 is within min_delta (no improvement),
        // 0.48 improves (epoch 3), then 0.479 and 0.50 do not -> stop at epoch 5 with best epoch 3.
        var stopping = new EarlyStopping(patience: 2, minDelta: 0.01);
        double[] losses = [0.50, 0.495, 0.48, 0.479, 0.50, 0.1];

        var decisions = losses.Select((loss, i) => stopping.Observe(i + 1, loss)).Take(5).ToList();

        Assert.Equal([Decision.Improved, Decision.Continue, Decision.Improved, Decision.Continue, Decision.Stop], decisions);
        Assert.Equal(3, stopping.BestEpoch);
        Assert.Equal(0.48, stopping.BestLoss);
        Assert.Contains("2 epochs", stopping.StopReason);
    }

    [Fact]
    public void A_non_finite_loss_stops_at_once_keeping_the_best_epoch()
    {
        var stopping = new EarlyStopping(patience: 10, minDelta: 0);
        stopping.Observe(1, 0.7);

        Assert.Equal(Decision.Stop, stopping.Observe(2, double.NaN));
        Assert.Equal(1, stopping.BestEpoch);
    }
}
