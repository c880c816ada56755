using Harness.Core;
using Harness.Core.Inputs;
using Harness.Tests.Support;
using Harness.Trainer;
using Harness.Trainer.Augmentation;
using static TorchSharp.torch;

namespace Harness.Tests.Trainer;

/// <summary>CutMix's box, pasting and label weights, and the per-batch choice between mixup and CutMix.</summary>
[Collection(NativeCollection.Name)]
public sealed class AugmentationCutMixTests
{
    /// <summary>Three 1 x 4 x 4 images filled with 1, 2 and 3, labelled 0, 1, 1 of 2 classes.</summary>
    private static (Tensor Images, Tensor Labels) Batch() =>
        (cat([full(1, 1, 4, 4, 1f), full(1, 1, 4, 4, 2f), full(1, 1, 4, 4, 3f)], 0), tensor(new long[] { 0, 1, 1 }));

    [Fact]
    public void A_known_box_is_pasted_from_the_reversed_batch_and_weights_the_labels_by_its_area()
    {
        // Given the box rows 1-2, columns 0-1 (4 of 16 pixels) and smoothing 0.1 (on 0.95, off 0.05)
        var (images, labels) = Batch();
        var box = new CutBox(1, 3, 0, 2, 4, 4);
        var cutMix = new CutMix(1, 2, 0.1, new Random(1));

        var (mixed, targets) = cutMix.Mix(images, labels, box);

        // Then image i holds image 2 - i inside the box and itself outside
        var pixels = mixed.data<float>().ToArray();
        for (int n = 0; n < 3; n++)
            for (int r = 0; r < 4; r++)
                for (int c = 0; c < 4; c++)
                    Assert.Equal(r is 1 or 2 && c < 2 ? 3 - n : n + 1, pixels[16 * n + 4 * r + c]);

        // and each target is 3/4 its own smoothed label and 1/4 its partner's (the middle row is its own partner)
        Assert.Equal(0.75, box.OwnWeight, 1e-12);
        double mixedA = 0.75 * 0.95 + 0.25 * 0.05, mixedB = 0.75 * 0.05 + 0.25 * 0.95;
        AugmentationSignalTests.AssertClose([mixedA, mixedB, 0.05, 0.95, mixedB, mixedA], targets, 1e-6);
    }

    [Fact]
    public void A_box_clipped_at_the_edge_weights_the_labels_by_the_area_actually_pasted()
    {
        // Given an 8 x 8 image and a 4 x 4 cut centred at row 7, column 1: rows 5-7 and columns 0-2 survive the clipping, 9 pixels
        var (top, bottom) = CutMix.Segment(8, 4, 7);
        var (left, right) = CutMix.Segment(8, 4, 1);
        Assert.Equal((5L, 8L, 0L, 3L), (top, bottom, left, right));
        var box = new CutBox(top, bottom, left, right, 8, 8);
        using var images = cat([zeros(1, 1, 8, 8), ones(1, 1, 8, 8)], 0);

        var (mixed, targets) = new CutMix(1, 2, 0, new Random(1)).Mix(images, tensor(new long[] { 0, 1 }), box);

        // Then the share of pixels that changed is the partner's label weight
        double pasted = (mixed != images).to_type(ScalarType.Float32).mean().item<float>();
        Assert.Equal(9.0 / 64, pasted, 1e-7);
        Assert.Equal(1 - pasted, box.OwnWeight, 1e-7);
        AugmentationSignalTests.AssertClose([1 - pasted, pasted, pasted, 1 - pasted], targets, 1e-6);
    }

    [Fact]
    public void A_signal_gets_a_time_segment_of_its_partner_on_every_channel()
    {
        using var signals = cat([zeros(1, 2, 10), ones(1, 2, 10)], 0);
        var box = new CutBox(0, 1, 6, 10, 1, 10);

        var (mixed, targets) = new CutMix(1, 2, 0, new Random(1)).Mix(signals, tensor(new long[] { 0, 1 }), box);

        double[] first = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1];
        AugmentationSignalTests.AssertClose([.. first, .. first, .. first.Select(v => 1 - v), .. first.Select(v => 1 - v)], mixed, 0);
        AugmentationSignalTests.AssertClose([0.6, 0.4, 0.4, 0.6], targets, 1e-6);
    }

    [Fact]
    public void Drawn_boxes_lie_inside_the_example_and_repeat_under_the_same_seed()
    {
        var first = new CutMix(1, 2, 0, new Random(7));
        var again = new CutMix(1, 2, 0, new Random(7));
        double sum = 0;
        for (int i = 0; i < 2000; i++)
        {
            var box = first.Draw([8, 3, 20, 30]);
            Assert.Equal(box, again.Draw([8, 3, 20, 30]));
            Assert.True(box is { Top: >= 0, Left: >= 0, Height: 20, Width: 30 } && box.Top <= box.Bottom && box.Bottom <= 20 && box.Left <= box.Right && box.Right <= 30, box.ToString());
            sum += 1 - box.OwnWeight;
        }
        // Beta(1, 1): E[1 - lambda] = 1/2 before clipping and rounding down; clipped boxes are smaller
        Assert.InRange(sum / 2000, 0.2, 0.5);
        var segment = first.Draw([8, 3, 50]);
        Assert.True(segment is { Top: 0, Bottom: 1, Height: 1, Width: 50 } && segment.Left <= segment.Right && segment.Right <= 50, segment.ToString());
    }

    [Fact]
    public void With_mixup_and_cutmix_on_each_batch_gets_one_of_them_half_the_time()
    {
        // Given images of 1s and 2s: CutMix leaves pixels of exactly 1 or 2, mixup (lambda strictly inside (0, 1)) blends every pixel
        var mixing = BatchMixing.From(new TargetOptions { Mixup = 0.4, CutMix = 1, LabelSmoothing = 0 }, InputKind.Image, 2, 42)!;
        using var images = cat([ones(1, 1, 4, 4), full(1, 1, 4, 4, 2f)], 0);
        using var labels = tensor(new long[] { 0, 1 });
        int cut = 0;
        for (int i = 0; i < 400; i++)
        {
            var (mixed, _) = mixing.Mix(images, labels);
            if (((mixed == 1) | (mixed == 2)).all().item<bool>()) cut++;
        }

        // Then about half the batches were CutMix (SE 2.5%)
        Assert.InRange(cut, 160, 240);
    }

    [Fact]
    public void With_mixup_alone_the_lambdas_are_those_the_trainer_always_drew()
    {
        var mixing = BatchMixing.From(new TargetOptions { Mixup = 0.4, LabelSmoothing = 0 }, InputKind.Tabular, 2, 42)!;
        var mixup = new Mixup(0.4, 2, 0, new Random(42 ^ 0x5EED));
        using var inputs = tensor(new float[] { 0, 1 }, [2, 1]);
        using var labels = tensor(new long[] { 0, 1 });
        for (int i = 0; i < 5; i++)
            Assert.Equal(mixup.Mix(inputs, labels, mixup.Draw()).Inputs.data<float>().ToArray(), mixing.Mix(inputs, labels).Inputs.data<float>().ToArray());
    }

    [Fact]
    public void Cutmix_is_refused_for_tabular_inputs_and_nothing_mixes_when_both_are_off()
    {
        var error = Assert.Throws<InputException>(() => BatchMixing.From(new TargetOptions { CutMix = 1 }, InputKind.Tabular, 2, 42));
        Assert.Contains("targets.cutmix applies to signal and image inputs", error.Message);
        Assert.Null(BatchMixing.From(new TargetOptions(), InputKind.Image, 2, 42));
    }

    [Fact]
    public void Cutmix_is_validated_like_mixup_and_read_from_a_config_file_as_targets_cutmix()
    {
        var error = Assert.Throws<InputException>(() => new TrainingOptions { Targets = new() { CutMix = -1 } }.Validate());
        Assert.Contains("targets.cutmix must be from 0 (off) to 10", error.Message);

        using var temp = new TempFolder();
        string path = temp.Combine("train.json");
        File.WriteAllText(path, """{ "targets": { "cutmix": 0.5 } }""");
        Assert.Equal(0.5, TrainingConfigFile.Load(path).Targets.CutMix);
        File.WriteAllText(path, """{ "targets": { "cut_mix": 0.5 } }""");
        Assert.Contains("'targets' holds label_smoothing, mixup, cutmix", Assert.Throws<InputException>(() => TrainingConfigFile.Load(path)).Message);
    }

    [Fact]
    public void The_command_line_takes_cutmix_and_names_it_in_errors()
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run("train", "--site", RepoPaths.Sites("heart", "hungary"), "--cutmix", "-1", "--out", temp.Combine("out"));

        CliAssert.CleanFailure(result, temp.Path, "out", ["--cutmix must be from 0 (off) to 10"]);
    }
}
