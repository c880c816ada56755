using Harness.Core;
using Harness.Core.Sites;

namespace Harness.Tests.Sites;

public class ManifestSchemaTests
{
    private const string File = "sites/x/manifest.csv";

    private static ManifestSchema Schema(params string[] header) => ManifestSchema.FromHeader(header, File);

    [Fact]
    public void Reserved_columns_are_found_anywhere_and_the_rest_are_features_in_file_order()
    {
        // Given reserved columns interleaved with features
        var schema = Schema("chol", "label", "age", "id", "date", "sex", "patient_id");

        // Then features keep their order and the reserved indices point at the right columns
        Assert.Equal(new[] { "chol", "age", "sex" }, schema.FeatureNames.ToArray());
        Assert.Equal(new[] { 0, 2, 5 }, schema.FeatureColumnIndices);
        Assert.Equal(3, schema.IdIndex);
        Assert.Equal(1, schema.LabelIndex);
        Assert.Equal(6, schema.PatientIdIndex);
        Assert.Equal(4, schema.DateIndex);
    }

    [Fact]
    public void Audit_columns_are_never_features()
    {
        var schema = Schema("id", "group:ward", "label", "age", "group:sex", "chol");

        Assert.Equal(["age", "chol"], schema.FeatureNames);
        Assert.Equal(["ward", "sex"], schema.GroupNames);
        Assert.Equal([1, 4], schema.GroupColumnIndices);
    }

    [Fact]
    public void An_audit_column_without_a_name_is_refused()
    {
        var error = Assert.Throws<InputException>(() => Schema("id", "label", "age", "group:"));
        Assert.Equal((1L, 4), (error.Line!.Value, error.Column!.Value));
        Assert.Contains("group:sex", error.Fix);
    }

    [Fact]
    public void Header_names_are_trimmed()
    {
        var schema = Schema(" id", "label ", " age ");
        Assert.Equal(new[] { "age" }, schema.FeatureNames.ToArray());
        Assert.Equal(new[] { "id", "label", "age" }, schema.Columns.ToArray());
    }

    [Fact]
    public void Reserved_names_are_case_sensitive_so_Date_is_a_feature()
    {
        // Given "Date" (capital D): not the reserved date column
        var schema = Schema("id", "label", "Date");
        Assert.False(schema.HasDate);
        Assert.Equal(new[] { "Date" }, schema.FeatureNames.ToArray());
    }

    [Fact]
    public void A_header_without_features_is_refused()
    {
        var e = Assert.Throws<InputException>(() => Schema("id", "label", "patient_id", "date"));
        Assert.Equal(File, e.File);
        Assert.Equal(1L, e.Line);
        Assert.Contains("feature", e.Problem);
    }

    [Fact]
    public void Duplicate_names_are_detected_after_trimming()
    {
        var e = Assert.Throws<InputException>(() => Schema("id", "label", "age", " age"));
        Assert.Equal(4, e.Column);
        Assert.Contains("columns 3 and 4", e.Problem);
    }

    [Fact]
    public void AlignTo_maps_the_given_order_onto_the_manifest_columns()
    {
        // Given manifest features age, chol, sex and a model expecting sex, age, chol
        var schema = Schema("id", "age", "label", "chol", "sex");

        // When
        int[] map = schema.AlignTo(["sex", "age", "chol"], File, "the model");

        // Then result[i] is the manifest feature index of the model's feature i: sex=2, age=0, chol=1
        Assert.Equal(new[] { 2, 0, 1 }, map);
        string[] model = ["sex", "age", "chol"];
        for (int i = 0; i < model.Length; i++) Assert.Equal(model[i], schema.FeatureNames[map[i]]);
    }

    [Fact]
    public void AlignTo_in_the_same_order_is_the_identity()
    {
        var schema = Schema("id", "label", "a", "b", "c", "d");
        Assert.Equal(new[] { 0, 1, 2, 3 }, schema.AlignTo(["a", "b", "c", "d"], File, "the model"));
    }

    [Fact]
    public void AlignTo_lists_every_missing_and_every_extra_feature()
    {
        // Given the manifest has age, chol, smoker, bmi and the model wants age, sex, chol, cp
        var schema = Schema("id", "label", "age", "chol", "smoker", "bmi");

        // When / Then one error names both missing (sex, cp) and both extra (smoker, bmi)
        var e = Assert.Throws<InputException>(() => schema.AlignTo(["age", "sex", "chol", "cp"], File, "the model"));
        ManifestReaderTests.AssertWellFormed(e);
        Assert.Equal(File, e.File);
        Assert.Equal(1L, e.Line);
        Assert.Contains("missing 'sex', 'cp'", e.Problem);
        Assert.Contains("extra 'smoker', 'bmi'", e.Problem);
        Assert.Contains("the model", e.Problem);
        Assert.Contains("'age', 'sex', 'chol', 'cp'", e.Fix);
    }

    [Fact]
    public void AlignTo_reports_only_missing_when_nothing_is_extra()
    {
        var schema = Schema("id", "label", "age");
        var e = Assert.Throws<InputException>(() => schema.AlignTo(["age", "sex"], File, "the model"));
        Assert.Contains("missing 'sex'", e.Problem);
        Assert.DoesNotContain("extra", e.Problem);
    }

    [Fact]
    public void AlignTo_reports_only_extra_when_nothing_is_missing()
    {
        var schema = Schema("id", "label", "age", "sex");
        var e = Assert.Throws<InputException>(() => schema.AlignTo(["age"], File, "site cleveland"));
        Assert.Contains("extra 'sex'", e.Problem);
        Assert.DoesNotContain("missing", e.Problem);
        Assert.Contains("site cleveland", e.Problem);
    }

    [Fact]
    public void AlignTo_feature_names_are_case_sensitive()
    {
        var schema = Schema("id", "label", "Age");
        var e = Assert.Throws<InputException>(() => schema.AlignTo(["age"], File, "the model"));
        Assert.Contains("missing 'age'", e.Problem);
        Assert.Contains("extra 'Age'", e.Problem);
    }
}
