using System.Text.Json;
using Harness.Core;
using Harness.Core.ModelCards;

namespace Harness.Tests.Validator;

/// <summary>The training-row fingerprint: a row is found exactly when its features (bit for bit, NaN alike) and label match one trained on.</summary>
public sealed class RowFingerprintTests
{
    private static readonly float[] Rows = [1f, 2f, float.NaN, 3f, 1f, 2f]; // three rows of two features; the first and third alike
    private static readonly string[] Labels = ["yes", "no", "yes"];

    [Fact]
    public void Rows_are_found_by_their_values_and_label_only()
    {
        var fingerprint = RowFingerprint.Of(salt: 7, Rows, 2, Labels);

        Assert.Equal(2, fingerprint.Count); // the repeated row is one
        Assert.True(fingerprint.Contains([1f, 2f], "yes"));
        Assert.True(fingerprint.Contains([-float.NaN, 3f], "no")); // any NaN is missing
        Assert.False(fingerprint.Contains([1f, 2f], "no")); // another label
        Assert.False(fingerprint.Contains([1f, 2.0000002f], "yes")); // one float32 step away
        Assert.False(fingerprint.Contains([2f, 1f], "yes")); // features in another order
        Assert.False(fingerprint.Contains([1f, 2f, 0f], "yes"));
    }

    [Fact]
    public void The_salt_changes_every_hash_and_the_card_round_trips_it()
    {
        Assert.NotEqual(RowFingerprint.Hash(1, [1f, 2f], "yes"), RowFingerprint.Hash(2, [1f, 2f], "yes"));

        var fingerprint = RowFingerprint.Of(salt: 0xDEADBEEF_00C0FFEE, Rows, 2, Labels);
        var read = JsonSerializer.Deserialize<RowFingerprint>(JsonSerializer.Serialize(fingerprint, HarnessJson.Compact), HarnessJson.Compact)!;

        Assert.Equal((fingerprint.Salt, fingerprint.Count), (read.Salt, read.Count));
        Assert.True(read.Contains([1f, 2f], "yes"));
        Assert.False(read.Contains([1f, 2f], "no"));
    }
}
