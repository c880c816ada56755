using System.Text.Json.Nodes;
using Harness.Cli;
using Harness.Tests.Support;

namespace Harness.Tests.Cli;

/// <summary>`validate --criteria`: verdicts judged on intervals, recorded in results.json, and the exit code a CI pipeline reads.</summary>
[Collection(NativeCollection.Name)]
public sealed class CriteriaCliTests(HeartModelFixture heart)
{
    private string[] Validate(TempFolder temp, string criteria, params string[] more) =>
    [
        "validate", "--model", heart.ModelPath, "--site", RepoPaths.Sites("heart", "va-long-beach"),
        "--out", temp.Combine("out"), "--device", "cpu", "--bootstrap", "300", "--criteria", criteria, .. more,
    ];

    [Fact]
    public void A_pass_a_fail_and_an_inconclusive_rule_exit_3_with_the_three_verdicts()
    {
        // Given rules at VA Long Beach (AUROC about 0.76, DeLong 95% CI about 0.67-0.84; O/E about 1.4, CI about 1.3-1.5):
        //   AUROC >= 0.5 passes (the whole interval is above), O/E <= 1.1 fails (the whole interval is above),
        //   AUROC >= 0.75 is inconclusive (the interval straddles it)
        using var temp = new TempFolder();
        string criteria = temp.Combine("criteria.json");
        File.WriteAllText(criteria, """{ "criteria": ["auroc >= 0.5", "oe_ratio <= 1.1", "auroc >= 0.75"] }""");

        // When validated with them
        var result = CliRunner.Run(Validate(temp, criteria));

        // Then exit 3 (a rule failed), and results.json records each verdict with its numbers
        Assert.True(result.ExitCode == ExitCodes.CriteriaFailed, result.Output + result.Errors);
        var verdicts = JsonNode.Parse(File.ReadAllText(temp.Combine("out", "results.json")))!["criteria"]!["verdicts"]!.AsArray();
        Assert.Equal(["pass", "fail", "inconclusive"], verdicts.Select(v => v!["verdict"]!.GetValue<string>()));
        Assert.All(verdicts, v => Assert.NotNull(v!["lower"]));
        Assert.Contains("FAIL", result.Output);
        Assert.Contains("INCONCLUSIVE", result.Output);
    }

    [Fact]
    public void Inconclusive_without_a_failure_exits_4_and_all_passing_exits_0()
    {
        using var temp = new TempFolder();
        string inconclusive = temp.Combine("inconclusive.json"), passing = temp.Combine("passing.json");
        File.WriteAllText(inconclusive, """{ "criteria": ["auroc >= 0.5", "auroc >= 0.75"] }""");
        File.WriteAllText(passing, """{ "criteria": ["auroc >= 0.5"] }""");

        Assert.Equal(ExitCodes.CriteriaInconclusive, CliRunner.Run(Validate(temp, inconclusive)).ExitCode);
        Assert.Equal(ExitCodes.Success, CliRunner.Run(Validate(temp, passing, "--force")).ExitCode);
    }

    public static TheoryData<string, string[]> BadCriteria => new()
    {
        { """{ "criteria": ["aurocc >= 0.7"] }""", ["criteria.json:1:", "did you mean 'auroc'"] },
        { """{ "criteria": ["auroc >= 1.2"] }""", ["criteria.json:1:", "1.2"] },
        { "{ \"criteria\": [\n  \"auroc >= 0.7\"\n  \"ece <= 0.1\" ] }", ["criteria.json:3:"] },
    };

    [Theory]
    [MemberData(nameof(BadCriteria))]
    public void A_bad_criteria_file_is_an_input_error_before_any_output(string text, string[] expected)
    {
        using var temp = new TempFolder();
        string criteria = temp.Combine("criteria.json");
        File.WriteAllText(criteria, text);

        var result = CliRunner.Run(Validate(temp, criteria));

        Assert.Equal(ExitCodes.InputError, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        foreach (var part in expected) Assert.Contains(part, line);
        Assert.False(Directory.Exists(temp.Combine("out")));
        Assert.DoesNotContain("Scoring", result.Output);
    }
}
