using Harness.Tests.Support;
using Harness.Trainer.Augmentation;
using static TorchSharp.torch;

namespace Harness.Tests.Trainer;

/// <summary>
/// The image transforms on [N, C, H, W] batches: each with fixed draws against values worked by hand,
/// then the random path for its ranges and for reproducibility from torch's seed.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class AugmentationImageTests
{
    /// <summary>One grey image of <paramref name="height"/> x <paramref name="width"/> holding 1, 2, 3, ... row by row.</summary>
    private static Tensor Counting(int height, int width) => arange(1, height * width + 1, dtype: ScalarType.Float32).view(1, 1, height, width);

    private static void AssertClose(double[] expected, Tensor actual, double tolerance) => AugmentationSignalTests.AssertClose(expected, actual, tolerance);

    [Fact]
    public void A_flip_mirrors_only_the_examples_drawn_for_it()
    {
        using var batch = cat([Counting(2, 3), Counting(2, 3)], 0);

        using var flipped = HorizontalFlip.Apply(batch, tensor(new[] { true, false }));

        AssertClose([3, 2, 1, 6, 5, 4, 1, 2, 3, 4, 5, 6], flipped, 0);
    }

    [Fact]
    public void Rotating_a_square_image_by_90_degrees_is_a_transpose_then_an_upside_down_flip()
    {
        // Given a 4 x 4 image; counter-clockwise as shown, out[i, j] = in[j, 3 - i] (numpy's rot90): pixel centres land on pixel centres
        using var image = Counting(4, 4);
        var expected = new double[16];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) expected[4 * i + j] = 1 + 4 * j + (3 - i);

        using var rotated = RandomRotation.Apply(image, tensor(new float[] { 90 }));

        AssertClose(expected, rotated, 1e-4);

        // and -90 degrees is the opposite turn: out[i, j] = in[3 - j, i]
        using var back = RandomRotation.Apply(rotated, tensor(new float[] { -90 }));
        AssertClose(image.data<float>().ToArray().Select(v => (double)v).ToArray(), back, 1e-4);
    }

    [Fact]
    public void Rotating_a_wide_image_keeps_pixels_square_and_fills_with_zeros()
    {
        // Given a 2 x 4 image: output pixel (i, j), from the centre (x, y) = (j - 1.5, i - 0.5), reads the input at
        // (-y, x), i.e. row j - 1, column 2 - i: columns 1 and 2 of the output come from inside, 0 and 3 from outside (zero)
        using var image = Counting(2, 4);

        using var rotated = RandomRotation.Apply(image, tensor(new float[] { 90 }));

        AssertClose([0, 3, 7, 0, 0, 2, 6, 0], rotated, 1e-4);
    }

    [Fact]
    public void Brightness_then_contrast_follow_torchvisions_definitions_for_grey_and_colour()
    {
        // Grey: brightness 1.5 gives 0.3, 0.6, 0.9, 1.2 -> clamped 1; mean 0.7; contrast 2: 2 x - 0.7 = -0.1, 0.5, 1.1, 1.3 -> 0, 0.5, 1, 1
        using var grey = tensor(new float[] { 0.2f, 0.4f, 0.6f, 0.8f }, [1, 1, 2, 2]);
        AssertClose([0, 0.5, 1, 1], BrightnessContrast.Apply(grey, tensor(new float[] { 1.5f }), tensor(new float[] { 2 })), 1e-6);

        // Colour: one pixel (0.5, 0.2, 0.1), brightness 1; its grey 0.2989 * 0.5 + 0.587 * 0.2 + 0.114 * 0.1 = 0.27825; contrast 0.5: (x + 0.27825) / 2
        using var colour = tensor(new float[] { 0.5f, 0.2f, 0.1f }, [1, 3, 1, 1]);
        AssertClose([0.389125, 0.239125, 0.189125], BrightnessContrast.Apply(colour, tensor(new float[] { 1 }), tensor(new float[] { 0.5f })), 1e-6);
    }

    [Fact]
    public void A_padded_crop_cuts_each_example_at_its_own_offset()
    {
        // Given 3 x 3 images 1..9 padded by 1 (5 x 5): offset (0, 1) moves the image down a row, (2, 2) up and left, (1, 1) not at all
        using var batch = cat([Counting(3, 3), Counting(3, 3), Counting(3, 3)], 0);
        var crop = new PaddedCrop(1);

        using var cropped = crop.Apply(batch, tensor(new long[] { 0, 2, 1 }), tensor(new long[] { 1, 2, 1 }));

        AssertClose([0, 0, 0, 1, 2, 3, 4, 5, 6, 5, 6, 0, 8, 9, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9], cropped, 0);
    }

    [Fact]
    public void The_random_image_transforms_stay_in_their_ranges_and_repeat_under_the_same_seed()
    {
        // Given 400 grey 6 x 6 images of distinct values in (0, 0.5]
        using var batch = (Counting(6, 6) / 72).expand(400, 1, 6, 6).contiguous();
        IBatchTransform[] transforms = [new HorizontalFlip(0.3), new RandomRotation(15), new BrightnessContrast(0.4, 0), new PaddedCrop(2)];
        foreach (var transform in transforms)
        {
            manual_seed(12);
            using var first = transform.Apply(batch);
            manual_seed(12);
            using var again = transform.Apply(batch);
            Assert.True((first == again).all().item<bool>(), $"{transform} did not repeat under the same seed");
        }

        // Then about 30% are flipped (SE 2.3%), the rest untouched
        using var flipped = transforms[0].Apply(batch);
        using var mirrored = (flipped == batch.flip(3)).flatten(1).all(1);
        Assert.True((mirrored | (flipped == batch).flatten(1).all(1)).all().item<bool>());
        Assert.InRange(mirrored.to_type(ScalarType.Float32).mean().item<float>(), 0.23f, 0.37f);

        // and a rotation of at most 15 degrees keeps the four centre pixels within their neighbours' values
        using var rotated = transforms[1].Apply(batch);
        Assert.InRange((rotated[.., .., 2..4, 2..4] - batch[.., .., 2..4, 2..4]).abs().max().item<float>(), 0, 7f / 72);

        // and brightness alone scales each image by one factor in [0.6, 1.4] (nothing reaches 1, so nothing clamps)
        using var ratio = transforms[2].Apply(batch) / batch;
        Assert.True((ratio - ratio[.., .., 0..1, 0..1]).abs().max().item<float>() < 1e-5);
        Assert.InRange(ratio.min().item<float>(), 0.6f, 0.62f);
        Assert.InRange(ratio.max().item<float>(), 1.38f, 1.4f);

        // and each crop is the image moved by whole pixels, at most 2 either way, every one of the 25 offsets drawn
        using var cropped = transforms[3].Apply(batch);
        var crop = (PaddedCrop)transforms[3];
        var seen = new HashSet<(long, long)>();
        for (int n = 0; n < 400; n++)
        {
            using var scope = NewDisposeScope();
            var example = cropped[n..(n + 1)];
            var offsets = from top in Enumerable.Range(0, 5) from left in Enumerable.Range(0, 5) select (top, left);
            var match = offsets.Where(o => crop.Apply(batch[0..1], tensor(new long[] { o.top }), tensor(new long[] { o.left })).equal(example).all().item<bool>()).ToList();
            Assert.Single(match);
            seen.Add(match[0]);
        }
        Assert.Equal(25, seen.Count);
    }
}
