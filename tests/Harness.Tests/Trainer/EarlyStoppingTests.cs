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
        Assert.Equal(0.48, stopping.BestValue);
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

    [Fact]
    public void A_maximised_monitor_with_min_epochs_stops_only_after_the_minimum()
    {
        // Given AUROC (higher is better), patience 1, min_delta 0 and at least 4 epochs: 0.70 improves, 0.69 would stop
        // at epoch 2 but the minimum holds it, 0.72 improves at epoch 3, 0.71 at epoch 4 stops (patience 1, minimum reached)
        var stopping = new EarlyStopping(patience: 1, minDelta: 0, maximise: true, minEpochs: 4, monitor: "validation AUROC");
        double[] aurocs = [0.70, 0.69, 0.72, 0.71];

        var decisions = aurocs.Select((v, i) => stopping.Observe(i + 1, v)).ToList();

        Assert.Equal([Decision.Improved, Decision.Continue, Decision.Improved, Decision.Stop], decisions);
        Assert.Equal(3, stopping.BestEpoch);
        Assert.Equal(0.72, stopping.BestValue);
        Assert.Contains("validation AUROC", stopping.StopReason);
    }

    [Fact]
    public void Cosine_and_plateau_schedules_give_the_closed_form_rates()
    {
        // Cosine over 4 epochs from 0.1: 0.1 (1 + cos(pi (e - 1) / 4)) / 2 = 0.1, 0.0854, 0.05, 0.0146
        var cosine = new LearningRateSchedule("cosine", 0.1, 4, 10);
        double[] expected = [0.1, 0.1 * (1 + Math.Sqrt(0.5)) / 2, 0.05, 0.1 * (1 - Math.Sqrt(0.5)) / 2];
        for (int e = 1; e <= 4; e++) Assert.Equal(expected[e - 1], cosine.Rate(e, 0), 12);

        // Plateau with patience 4 (wait 2): halved when 2 and again when 4 epochs pass without improvement; an improvement keeps the rate
        var plateau = new LearningRateSchedule("plateau", 0.1, 100, 4);
        int[] withoutImprovement = [0, 1, 2, 3, 4, 0, 1, 2];
        double[] rates = [0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125];
        for (int e = 0; e < rates.Length; e++) Assert.Equal(rates[e], plateau.Rate(e + 1, withoutImprovement[e]), 12);
    }
}
