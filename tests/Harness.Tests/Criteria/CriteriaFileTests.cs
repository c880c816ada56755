using System.Text;
using Harness.Core;
using Harness.Tests.Sites;
using Harness.Tests.Support;
using Harness.Validator.Criteria;

namespace Harness.Tests.Criteria;

/// <summary>
/// Reading a criteria file: a good file's rules, and for each kind of bad file an
/// <see cref="InputException"/> at the file, line and column of the offending token, with the fix.
/// Files are written with ' for " so the columns in the tables can be counted by eye.
/// </summary>
public sealed class CriteriaFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(string json, string name = "criteria.json")
    {
        string path = _temp.Combine(name);
        File.WriteAllText(path, json.Replace('\'', '"'));
        return path;
    }

    /// <summary>A file whose only entry, <paramref name="entry"/>, starts at line 3, column 5 (a rule's text at column 6).</summary>
    private static string InList(string entry) => "{\n  'criteria': [\n    " + entry + "\n  ]\n}\n";

    // ------------------------------------------------------------------ good files

    [Fact]
    public void Good_file_parses_every_form_of_rule_with_comments_and_trailing_commas()
    {
        // Given the README's example, with comments and trailing commas
        string path = Write("""
            {
              // agreed by the board on 2025-06-02
              'criteria': [
                'auroc >= 0.70',
                'calibration_slope between 0.6 and 1.6',
                { 'rule': 'gap.auroc >= -0.25', 'holdout': 'external' },
                { 'rule': 'ece <= 0.20', 'sites': ['va-long-beach'], },
                'brier<0.3', /* no spaces needed */
                'scaled_brier > -1e-1',
              ],
            }
            """);

        // When it is loaded for a binary model
        var criteria = CriteriaFile.Load(path, binaryModel: true);

        // Then each rule has its metric, bounds, inclusivity, filters and position
        Assert.Equal(6, criteria.Count);
        Assert.Equal(new Criterion("auroc >= 0.70", "auroc", 0.70, null, true, false, null, null, 4, 5), criteria[0]);
        var between = criteria[1];
        Assert.Equal(("calibration_slope", 0.6, 1.6, true, true), (between.Metric, between.Lower, between.Upper, between.LowerInclusive, between.UpperInclusive));
        var gap = criteria[2];
        Assert.Equal(("gap.auroc", -0.25, (double?)null, "external", 6, 15), (gap.Metric, gap.Lower, gap.Upper, gap.HoldOut, gap.Line, gap.Column));
        Assert.True(gap.IsGap);
        Assert.Equal("auroc", gap.CatalogKey);
        var perSite = criteria[3];
        Assert.Equal(("ece", (double?)null, 0.20, true), (perSite.Metric, perSite.Lower, perSite.Upper, perSite.UpperInclusive));
        Assert.Equal(["va-long-beach"], perSite.Sites!);
        Assert.Null(perSite.HoldOut);
        Assert.Equal(("brier", 0.3, false), (criteria[4].Metric, criteria[4].Upper, criteria[4].UpperInclusive));
        Assert.Equal(("scaled_brier", -0.1, false), (criteria[5].Metric, criteria[5].Lower, criteria[5].LowerInclusive));
    }

    [Fact]
    public void Demo_criteria_file_loads_for_the_binary_heart_model()
    {
        // Given the example criteria file shipped with the heart sites
        string path = RepoPaths.Sites("heart", "criteria.json");

        // When it is loaded for a binary model
        var criteria = CriteriaFile.Load(path, binaryModel: true);

        // Then it holds rules on discrimination, its gap and calibration
        Assert.Contains(criteria, c => c.Metric == "auroc");
        Assert.Contains(criteria, c => c.Metric == "gap.auroc" && c.HoldOut == Criterion.External);
        Assert.Contains(criteria, c => c.Metric == "calibration_slope" && c.Sites is ["va-long-beach"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n\t\r\n")]
    public void Empty_file_says_so(string text)
    {
        // Given an empty file
        string path = Write(text);

        // When it is loaded
        var e = Assert.Throws<InputException>(() => CriteriaFile.Load(path, binaryModel: true));

        // Then the error names the file and shows the shape of a criteria file
        ManifestReaderTests.AssertWellFormed(e);
        Assert.StartsWith($"{path}: the criteria file is empty. Write a JSON object {{\"criteria\": [", e.Message);
    }

    [Fact]
    public void Byte_order_mark_is_accepted_and_does_not_shift_columns()
    {
        // Given a file saved with a UTF-8 byte order mark and a bound that cannot be met
        string path = _temp.Combine("bom.json");
        File.WriteAllText(path, "{\"criteria\": [\"auroc >= 2\"]}", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        // When it is loaded
        var e = Assert.Throws<InputException>(() => CriteriaFile.Load(path, binaryModel: true));

        // Then the column counts characters after the mark: "auroc >= 2" opens at column 15, its 2 is at column 25
        Assert.StartsWith($"{path}:1:25: ", e.Message);
    }

    [Theory]
    [InlineData("ece <= 0.1", false)]
    [InlineData("accuracy between 0.5 and 1", false)]
    [InlineData("gap.auroc >= -1", true)] // the lowest gap possible: met only by the worst model, but not impossible
    [InlineData("auroc > 0.999", true)]
    [InlineData("calibration_slope >= 1000", true)] // infinite range: no bound is impossible
    [InlineData("oe_ratio <= 0", true)]
    public void Rules_a_model_can_meet_are_accepted(string rule, bool binary)
    {
        // Given one rule
        string path = Write(InList($"'{rule}'"));

        // When it is loaded, Then it parses
        Assert.Single(CriteriaFile.Load(path, binary));
    }

    // ------------------------------------------------------------------ bad files

    [Theory]
    // not valid JSON: a missing comma, text after the object
    [InlineData("{\n  'criteria': ['auroc >= 0.7' 'ece <= 0.2']\n}", true, 2, 31, "not valid JSON", "comments and trailing commas are allowed")]
    [InlineData("{ 'criteria': ['auroc >= 0.7'] } x", true, 1, 34, "not valid JSON", "Correct the JSON")]
    [InlineData("{ 'criteria': [ 'auroc >= 0.7', ] // the board rules\n", true, 2, 1, "not valid JSON", "Correct the JSON")]
    // not an object with a "criteria" list
    [InlineData("['auroc >= 0.7']", true, 1, 1, "the file holds a list, not an object with a \"criteria\" list", "{\"criteria\": [")]
    [InlineData("{}", true, 1, 1, "the file has no \"criteria\" list", "{\"criteria\": [")]
    [InlineData("{ 'rules': ['auroc >= 0.7'] }", true, 1, 3, "unknown property \"rules\"", "one property, \"criteria\"")]
    [InlineData("{ 'criteria': 'auroc >= 0.7' }", true, 1, 15, "\"criteria\" is a string, not a list", "{\"criteria\": [")]
    [InlineData("{ 'criteria': ['auroc >= 0.7'], 'criteria': [] }", true, 1, 33, "\"criteria\" appears twice", "Merge")]
    // an empty list
    [InlineData("{ 'criteria': [] }", true, 1, 15, "the criteria list is empty", "Add at least one rule")]
    [InlineData("{ 'criteria': [ // none yet\n] }", true, 1, 15, "the criteria list is empty", "Add at least one rule")]
    // an entry neither a string nor an object with "rule"
    [InlineData("{ 'criteria': [ 0.7 ] }", true, 1, 17, "a criteria entry is a number, not a rule", "as a rule string")]
    [InlineData("{ 'criteria': [ { 'sites': ['va'] } ] }", true, 1, 17, "a criteria entry has no \"rule\"", "as a rule string")]
    [InlineData("{ 'criteria': [ { 'rule': 0.7 } ] }", true, 1, 27, "\"rule\" is a number, not a string", "KEY OP NUMBER")]
    // an unknown or repeated property in an entry
    [InlineData("{ 'criteria': [ { 'rule': 'auroc >= 0.7', 'site': ['va'] } ] }", true, 1, 43, "unknown property \"site\" in a criteria entry; did you mean \"sites\"?", "\"holdout\" (\"external\" or \"internal\")")]
    [InlineData("{ 'criteria': [ { 'rule': 'auroc >= 0.7', 'rule': 'ece <= 0.2' } ] }", true, 1, 43, "\"rule\" appears twice in this entry", "Keep one")]
    public void Malformed_file_names_file_line_column_and_fix(string json, bool binary, int line, int column, string problem, string fix) =>
        AssertFails(Write(json), binary, line, column, problem, fix);

    [Theory]
    // a rule that does not parse
    [InlineData("auroc = 0.7", true, 6, "rule \"auroc = 0.7\" does not parse", "KEY OP NUMBER with OP one of >=, <=, >, <")]
    [InlineData("auroc >= 0.7 and ece <= 0.2", true, 6, "does not parse", "KEY between A and B")]
    [InlineData("  ", true, 6, "does not parse", "KEY OP NUMBER")]
    [InlineData("auroc >= 0,7", true, 15, "'0,7' is not a number", "Use a '.' decimal point")]
    [InlineData("auroc >= 70%", true, 15, "'70%' is not a number", "70% is 0.7")]
    [InlineData("auroc between 0.6 and high", true, 28, "'high' is not a number", "Write a number")]
    [InlineData("auroc >= NaN", true, 15, "'NaN' is not a number", "Write a number")]
    // an unknown metric, with the closest key and how gaps are written
    [InlineData("aroc >= 0.7", true, 6, "unknown metric 'aroc'; did you mean 'auroc'?", "a gap (site minus development) is written gap.KEY")]
    [InlineData("AUROC >= 0.7", true, 6, "did you mean 'auroc'?", "gap.KEY")]
    [InlineData("gap.aroc >= -0.2", true, 6, "unknown metric 'gap.aroc'; did you mean 'gap.auroc'?", "gap.KEY")]
    [InlineData("auroc_gap >= -0.2", true, 6, "unknown metric 'auroc_gap'.", "gap.KEY, e.g. gap.auroc")]
    [InlineData("sensitivity_at_90 >= 0.5", true, 6, "unknown metric 'sensitivity_at_90'.", "(accuracy, balanced_accuracy, auroc,")]
    // a metric that does not apply to the model
    [InlineData("calibration_slope between 0.6 and 1.6", false, 6, "'calibration_slope' applies to binary models only, and this model is multiclass", "Remove the rule, or judge a metric of multiclass models: accuracy,")]
    [InlineData("gap.sensitivity >= -0.1", false, 6, "'sensitivity' applies to binary models only", "Remove the rule")]
    // an impossible bound
    [InlineData("auroc >= 1.2", true, 15, "rule \"auroc >= 1.2\" can never be met: auroc lies in [0, 1]", "Choose a bound auroc can meet, within [0, 1]")]
    [InlineData("auroc <= -0.1", true, 15, "can never be met: auroc lies in [0, 1]", "within [0, 1]")]
    [InlineData("auroc > 1", true, 14, "can never be met", "within [0, 1]")]
    [InlineData("ece < 0", true, 12, "can never be met: ece lies in [0, 1]", "within [0, 1]")]
    [InlineData("oe_ratio < 0", true, 17, "can never be met: oe_ratio lies in [0, ∞)", "within [0, ∞)")]
    [InlineData("brier >= 2.5", true, 15, "can never be met: brier lies in [0, 2]", "within [0, 2]")]
    [InlineData("auroc between 0.9 and 0.6", true, 20, "has its bounds the wrong way round", "auroc between 0.6 and 0.9")]
    [InlineData("auroc between 1.1 and 1.2", true, 20, "can never be met", "within [0, 1]")]
    [InlineData("ece between -0.3 and -0.1", true, 27, "can never be met", "within [0, 1]")]
    [InlineData("gap.auroc >= 1.5", true, 19, "can never be met: gap.auroc lies in [-1, 1]", "Choose a bound gap.auroc can meet, within [-1, 1]")]
    [InlineData("gap.auroc < -1", true, 18, "can never be met: gap.auroc lies in [-1, 1]", "within [-1, 1]")]
    public void Bad_rule_names_file_line_column_of_the_offending_word_and_fix(string rule, bool binary, int column, string problem, string fix) =>
        AssertFails(Write(InList($"'{rule}'")), binary, 3, column, problem, fix);

    [Theory]
    // "holdout" other than external/internal (the value starts at column 42)
    [InlineData("'holdout': 'both'", 42, "\"holdout\" is \"both\", neither \"external\" nor \"internal\"", "\"holdout\": \"external\" to judge the rule only at sites the model was not trained on")]
    [InlineData("'holdout': true", 42, "\"holdout\" is a boolean, not \"external\" or \"internal\"", "\"internal\" for its training sites")]
    [InlineData("'holdout': 'External'", 42, "neither \"external\" nor \"internal\"", "\"holdout\": \"external\"")]
    // "sites" not a non-empty list of strings (the value starts at column 40)
    [InlineData("'sites': []", 40, "\"sites\" is an empty list", "\"sites\": [\"va-long-beach\"]")]
    [InlineData("'sites': 'va'", 40, "\"sites\" is a string, not a list of site names", "leave \"sites\" out to judge the rule at every site")]
    [InlineData("'sites': [1]", 41, "\"sites\" holds a number, not a site name", "\"sites\": [\"va-long-beach\"]")]
    [InlineData("'sites': ['va', '']", 47, "\"sites\" holds an empty site name", "\"sites\": [\"va-long-beach\"]")]
    public void Bad_filter_names_file_line_column_and_fix(string filter, int column, string problem, string fix) =>
        AssertFails(Write(InList("{ 'rule': 'auroc >= 0.7', " + filter + " }")), true, 3, column, problem, fix);

    [Fact]
    public void Missing_file_is_named_with_the_fix()
    {
        // Given a path where nothing is
        string path = _temp.Combine("absent.json");

        // When it is loaded
        var e = Assert.Throws<InputException>(() => CriteriaFile.Load(path, binaryModel: true));

        // Then the error names the file and says what to pass
        ManifestReaderTests.AssertWellFormed(e);
        Assert.Equal($"{path}: criteria file not found. Pass an existing JSON file of acceptance rules with --criteria.", e.Message);
    }

    [Fact]
    public void Folder_is_not_a_criteria_file()
    {
        // Given a folder
        // When it is loaded as a criteria file
        var e = Assert.Throws<InputException>(() => CriteriaFile.Load(_temp.Path, binaryModel: true));

        // Then the error says so
        Assert.StartsWith($"{_temp.Path}: the criteria file is a folder.", e.Message);
    }

    [Fact]
    public void Text_that_is_not_UTF8_is_named_at_the_first_bad_byte()
    {
        // Given a Latin-1 file: "é" is the single byte 0xE9 at line 2, column 20
        string path = _temp.Combine("latin1.json");
        File.WriteAllBytes(path, [.. "{\n  \"criteria\": [\"caf"u8, 0xE9, .. " >= 1\"]}"u8]);

        // When it is loaded
        var e = Assert.Throws<InputException>(() => CriteriaFile.Load(path, binaryModel: true));

        // Then the error points there and asks for UTF-8
        ManifestReaderTests.AssertWellFormed(e);
        Assert.Equal($"{path}:2:20: the criteria file is not UTF-8 text. Save it as UTF-8 (plain JSON).", e.Message);
    }

    private static void AssertFails(string path, bool binary, int line, int column, string problem, string fix)
    {
        // When the file is loaded
        var e = Assert.Throws<InputException>(() => CriteriaFile.Load(path, binary));

        // Then the one-line message starts with file:line:column and carries the problem and the fix
        ManifestReaderTests.AssertWellFormed(e);
        Assert.StartsWith($"{path}:{line}:{column}: ", e.Message);
        Assert.Equal((path, (long?)line, (int?)column), (e.File, e.Line, e.Column));
        Assert.Contains(problem, e.Problem);
        Assert.Contains(fix, e.Fix);
    }
}
