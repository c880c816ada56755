using Harness.Core;
using Harness.Core.Sites;
using Harness.Tests.Support;
using Harness.Trainer.Data;

namespace Harness.Tests.Trainer;

public sealed class TrainingDataTests
{
    private static SiteData Site(TempFolder temp, string name, string csv) => SiteData.Load(SiteFolder.Open(temp.WriteSite(name, csv)));

    [Fact]
    public void Sites_with_columns_in_another_order_are_aligned_by_name()
    {
        using var temp = new TempFolder();
        var a = Site(temp, "a", "id,label,x,y\n1,yes,1,2\n2,no,3,4\n");
        var b = Site(temp, "b", "y,id,x,label\n20,1,10,no\n40,2,30,yes\n");

        var data = TrainingData.FromSites([a, b], positiveClass: null);

        Assert.Equal(["x", "y"], data.FeatureNames);
        Assert.Equal([1f, 2f, 3f, 4f, 10f, 20f, 30f, 40f], data.Features);
        Assert.Equal(["a/1", "a/2", "b/1", "b/2"], data.Groups);
    }

    [Fact]
    public void Binary_classes_put_the_positive_class_second()
    {
        using var temp = new TempFolder();
        var site = Site(temp, "a", "id,label,x\n1,disease,1\n2,no_disease,2\n3,disease,3\n");

        var data = TrainingData.FromSites([site], positiveClass: "disease");

        Assert.Equal(["no_disease", "disease"], data.ClassNames);
        Assert.Equal(1, data.PositiveClassIndex);
        Assert.Equal([1, 0, 1], data.Labels);
    }

    [Theory]
    [InlineData("0", "1", "1")]
    [InlineData("No", "Yes", "Yes")]
    [InlineData("benign", "malignant", "malignant")]
    public void Conventional_binary_names_need_no_positive_class_option(string negative, string positive, string expected)
    {
        using var temp = new TempFolder();
        var site = Site(temp, "a", $"id,label,x\n1,{positive},1\n2,{negative},2\n");

        Assert.Equal(expected, TrainingData.FromSites([site], null).PositiveClass);
    }

    [Fact]
    public void Ambiguous_binary_names_ask_for_the_positive_class()
    {
        using var temp = new TempFolder();
        var site = Site(temp, "a", "id,label,x\n1,disease,1\n2,no_disease,2\n");

        var error = Assert.Throws<InputException>(() => TrainingData.FromSites([site], null));

        Assert.Contains("positive_class", error.Fix);
    }

    [Fact]
    public void A_positive_class_that_is_not_a_label_is_refused()
    {
        using var temp = new TempFolder();
        var site = Site(temp, "a", "id,label,x\n1,a,1\n2,b,2\n");

        var error = Assert.Throws<InputException>(() => TrainingData.FromSites([site], "c"));

        Assert.Contains("'c'", error.Problem);
    }

    [Fact]
    public void Three_classes_make_a_multiclass_problem_in_sorted_order()
    {
        using var temp = new TempFolder();
        var site = Site(temp, "a", "id,label,x\n1,c,1\n2,a,2\n3,b,3\n");

        var data = TrainingData.FromSites([site], null);

        Assert.Equal(["a", "b", "c"], data.ClassNames);
        Assert.Null(data.PositiveClass);
        Assert.Equal([2, 0, 1], data.Labels);
    }

    [Fact]
    public void Training_sites_must_share_their_features()
    {
        using var temp = new TempFolder();
        var a = Site(temp, "a", "id,label,x,y\n1,0,1,2\n2,1,3,4\n");
        var b = Site(temp, "b", "id,label,x,z\n1,0,1,2\n2,1,3,4\n");

        var error = Assert.Throws<InputException>(() => TrainingData.FromSites([a, b], null));

        Assert.Contains("missing 'y'", error.Problem);
        Assert.Contains("extra 'z'", error.Problem);
        Assert.EndsWith(Path.Combine("b", "manifest.csv"), error.File);
    }

    [Fact]
    public void One_class_only_cannot_be_trained()
    {
        using var temp = new TempFolder();
        var site = Site(temp, "a", "id,label,x\n1,yes,1\n2,yes,2\n");

        Assert.Throws<InputException>(() => TrainingData.FromSites([site], null));
    }
}
