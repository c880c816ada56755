using Harness.Core;
using Harness.Tests.Support;
using Harness.Trainer;
using Harness.Trainer.Augmentation;
using static TorchSharp.torch;

namespace Harness.Tests.Trainer;

/// <summary>Mixup and the augmentation chain against hand computations and their defining distributions.</summary>
[Collection(NativeCollection.Name)]
public sealed class AugmentationTests
{
    [Fact]
    public void Mixup_with_a_fixed_lambda_gives_the_hand_computed_soft_target_loss()
    {
        // Given 3 examples of 2 classes, smoothing 0.1 (on 0.95, off 0.05) and lambda 0.7 (row i mixed with row 2 - i)
        using var inputs = tensor(new float[] { 1, 0, 0, 1, 2, 2 }, [3, 2]);
        using var labels = tensor(new long[] { 0, 1, 1 });
        var mixup = new Mixup(0.4, 2, 0.1, new Random(1));

        var (mixed, targets) = mixup.Mix(inputs, labels, 0.7);

        // Then inputs and targets are mixed as by hand
        double[] x = [1.3, 0.6, 0, 1, 1.7, 1.4];
        double[] t = [0.68, 0.32, 0.05, 0.95, 0.32, 0.68];
        var gotX = mixed.data<float>().ToArray();
        var gotT = targets.data<float>().ToArray();
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(x[i], gotX[i], 1e-6);
            Assert.Equal(t[i], gotT[i], 1e-6);
        }

        // and the loss, with the mixed inputs as logits, is mean_i sum_c -t_ic log softmax(z_i)_c
        double expected = 0;
        for (int r = 0; r < 3; r++)
        {
            double z0 = x[2 * r], z1 = x[2 * r + 1], log = Math.Log(Math.Exp(z0) + Math.Exp(z1));
            expected += -(t[2 * r] * (z0 - log) + t[2 * r + 1] * (z1 - log));
        }
        Assert.Equal(expected / 3, Mixup.SoftTargetLoss(mixed, targets).item<float>(), 1e-6);
    }

    [Fact]
    public void Without_mixing_the_soft_target_loss_is_pytorchs_smoothed_cross_entropy()
    {
        using var logits = tensor(new float[] { 0.2f, -1, 3, 0.5f, 0, 0, -2, 1, 0.3f }, [3, 3]);
        using var labels = tensor(new long[] { 2, 0, 1 });
        using var smoothed = new TorchSharp.Modules.CrossEntropyLoss(null, null, nn.Reduction.Mean, 0.1);

        double soft = Mixup.SoftTargetLoss(logits, Mixup.SmoothedOneHot(labels, 3, 0.1)).item<float>();

        Assert.Equal(smoothed.forward(logits, labels).item<float>(), soft, 1e-6);
    }

    [Fact]
    public void Mixup_lambdas_follow_beta_alpha_alpha()
    {
        // Beta(0.4, 0.4): mean 1/2, variance 1 / (4 (2 alpha + 1)) = 0.1389; 20,000 draws: within 0.01 and 0.005 (about 5 standard errors)
        var mixup = new Mixup(0.4, 2, 0, new Random(3));
        var draws = Enumerable.Range(0, 20_000).Select(_ => mixup.Draw()).ToArray();
        double mean = draws.Average(), variance = draws.Average(d => (d - mean) * (d - mean));
        Assert.InRange(mean, 0.49, 0.51);
        Assert.InRange(variance, 0.1339, 0.1439);
        Assert.All(draws, d => Assert.InRange(d, 0, 1));
    }

    [Fact]
    public void Feature_dropout_sets_about_p_of_the_values_to_the_imputed_value_and_noise_has_the_given_sd()
    {
        manual_seed(5);
        using var batch = zeros(200, 50);
        using var imputed = full(50, 7f);
        var chain = AugmentationChain.Parse("missing:0.1,noise:0.5").Build(imputed);

        using var dropped = chain[0].Apply(batch);
        double share = (dropped == 7f).to_type(ScalarType.Float32).mean().item<float>();
        Assert.InRange(share, 0.09, 0.11); // 10,000 values: SE 0.003

        using var noisy = chain[1].Apply(batch);
        Assert.InRange(noisy.std().item<float>(), 0.49, 0.51);
    }

    [Fact]
    public void Noise_leaves_one_hot_columns_alone_and_dropout_sets_them_to_zero()
    {
        // Given a batch of 2 numeric columns (0) and 2 one-hot columns (1), as a categorical model preprocesses them
        manual_seed(6);
        using var batch = cat([zeros(500, 2), ones(500, 2)], 1);
        using var mask = tensor(new float[] { 1, 1, 0, 0 });
        using var imputed = tensor(new float[] { 7, 7, 0, 0 });
        var chain = AugmentationChain.Parse("noise:0.5,missing:0.5").Build(imputed, mask);

        // When noise applies, the one-hot columns stay exactly 1 and the numeric ones get SD 0.5
        using var noisy = chain[0].Apply(batch);
        Assert.Equal(1000, (noisy[.., 2..] == 1f).sum().item<long>());
        Assert.InRange(noisy[.., ..2].std().item<float>(), 0.47, 0.53); // 1,000 values: SE about 0.011

        // and feature dropout sends a one-hot column to 0 (a missing category), never elsewhere
        using var dropped = chain[1].Apply(batch);
        using var oneHot = dropped[.., 2..];
        Assert.Equal(1000, ((oneHot == 0f) | (oneHot == 1f)).sum().item<long>());
        Assert.InRange((oneHot == 0f).to_type(ScalarType.Float32).mean().item<float>(), 0.45, 0.55);
    }

    [Fact]
    public void Training_with_augmentation_and_mixup_records_them_and_stays_reproducible()
    {
        var options = new TrainingOptions
        {
            Optimiser = new() { Epochs = 5 }, Seed = 3, PositiveClass = "disease", Device = DeviceRequest.Cpu,
            Augmentation = new() { Chain = "noise:0.05,missing:0.1" }, Targets = new() { Mixup = 0.4 }, CreatedUtc = new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero),
        };
        using var first = TrainingRun.Run([RepoPaths.Sites("heart", "hungary")], options);
        using var again = TrainingRun.Run([RepoPaths.Sites("heart", "hungary")], options);

        Assert.Equal("noise:0.05,missing:0.1", first.Card.TrainingConfig["augmentation"]!["chain"]!.GetValue<string>());
        Assert.Equal(0.4, first.Card.TrainingConfig["targets"]!["mixup"]!.GetValue<double>());
        Assert.Equal(first.Report.Epochs.Select(e => e.TrainLoss), again.Report.Epochs.Select(e => e.TrainLoss));

        // and they act: without them the same seed trains differently
        using var plain = TrainingRun.Run([RepoPaths.Sites("heart", "hungary")], options with { Augmentation = new() { Chain = AugmentationChain.None }, Targets = new() { Mixup = 0 } });
        Assert.NotEqual(first.Report.Epochs[0].TrainLoss, plain.Report.Epochs[0].TrainLoss);
    }
}
