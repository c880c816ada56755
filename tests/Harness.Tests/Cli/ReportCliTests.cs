using Harness.Cli;
using Harness.Reports;
using Harness.Results;
using Harness.Tests.Support;

namespace Harness.Tests.Cli;

/// <summary>`harness report` (re-render, merge) and `harness verify` (an auditor's re-check of the hashes).</summary>
[Collection(NativeCollection.Name)]
public sealed class ReportCliTests(HeartModelFixture heart)
{
    private CliRunner.Result Validate(string site, string output) => CliRunner.Run(
        "validate", "--model", heart.ModelPath, "--site", site, "--out", output, "--device", "cpu", "--bootstrap", "200");

    [Fact]
    public void Report_re_renders_a_saved_run_and_refuses_to_overwrite_a_file_it_did_not_write()
    {
        // Given a validation run
        using var temp = new TempFolder();
        Assert.Equal(0, Validate(RepoPaths.Sites("heart", "switzerland"), temp.Combine("run")).ExitCode);
        string results = temp.Combine("run", ResultsJson.FileName);

        // When its results are rendered again into a .pdf
        var first = CliRunner.Run("report", "--results", results, "--out", temp.Combine("again.pdf"));

        // Then the new report embeds the very results.json, a second run needs --force, and --force will not replace a foreign file
        Assert.True(first.ExitCode == 0, first.Errors);
        Assert.Equal(File.ReadAllBytes(results), ResultsJson.Serialize(AuditReport.ReadEmbedded(temp.Combine("again.pdf"))));
        var again = CliRunner.Run("report", "--results", results, "--out", temp.Combine("again.pdf"));
        Assert.Equal(ExitCodes.InputError, again.ExitCode);
        Assert.Contains("already exists", again.Errors);
        Assert.Equal(0, CliRunner.Run("report", "--results", results, "--out", temp.Combine("again.pdf"), "--force").ExitCode);
        File.WriteAllText(temp.Combine("mine.pdf"), "someone's notes");
        var foreign = CliRunner.Run("report", "--results", results, "--out", temp.Combine("mine.pdf"), "--force");
        Assert.Equal(ExitCodes.InputError, foreign.ExitCode);
        Assert.Equal("someone's notes", File.ReadAllText(temp.Combine("mine.pdf")));
        Assert.Empty(Directory.GetFiles(temp.Path, ".*partial*"));
    }

    [Fact]
    public void Runs_at_separate_sites_merge_into_one_report_and_results()
    {
        // Given two sites validated in separate runs
        using var temp = new TempFolder();
        Assert.Equal(0, Validate(RepoPaths.Sites("heart", "switzerland"), temp.Combine("a")).ExitCode);
        Assert.Equal(0, Validate(RepoPaths.Sites("heart", "va-long-beach"), temp.Combine("b")).ExitCode);

        // When they are merged
        var merged = CliRunner.Run("report", "--results", temp.Combine("a", "results.json"), "--results", temp.Combine("b", "results.json"),
            "--out", temp.Combine("merged"));

        // Then one folder holds the report and the merged results with both sites and both runs on record
        Assert.True(merged.ExitCode == 0, merged.Errors);
        var results = ResultsJson.Read(temp.Combine("merged", "results.json"));
        Assert.Equal(["switzerland", "va-long-beach"], results.Sites.Select(s => s.Name));
        Assert.Equal(2, results.MergedFrom!.Count);
        Assert.True(AuditReport.IsReport(temp.Combine("merged", "report.pdf")));
        Assert.Contains("Merged 2 runs", merged.Output);
    }

    [Fact]
    public void Verify_passes_on_the_files_validated_and_detects_one_changed_manifest_byte()
    {
        // Given a report of a copied site
        using var temp = new TempFolder();
        string site = temp.Combine("switzerland");
        Directory.CreateDirectory(site);
        File.Copy(RepoPaths.Sites("heart", "switzerland", "manifest.csv"), Path.Combine(site, "manifest.csv"));
        Assert.Equal(0, Validate(site, temp.Combine("run")).ExitCode);
        string report = temp.Combine("run", AuditReport.FileName);

        // When it is verified against the same files, then after one byte of the manifest changed
        var same = CliRunner.Run("verify", report, "--model", heart.ModelPath, "--site", site);
        byte[] manifest = File.ReadAllBytes(Path.Combine(site, "manifest.csv"));
        manifest[^2] = (byte)(manifest[^2] == (byte)'1' ? '0' : '1');
        File.WriteAllBytes(Path.Combine(site, "manifest.csv"), manifest);
        var changed = CliRunner.Run("verify", report, "--model", heart.ModelPath, "--site", site);

        // Then the first verifies (exit 0) and the second names the site whose manifest differs (exit 5)
        Assert.True(same.ExitCode == 0, same.Output + same.Errors);
        Assert.Contains("Verified: all 2 file(s)", same.Output);
        Assert.Equal(ExitCodes.VerifyFailed, changed.ExitCode);
        Assert.Contains("DIFFERS", changed.Output);
        Assert.Contains("Not verified: 1 of 2", changed.Output);
    }

    [Fact]
    public void Verify_of_a_file_that_is_not_a_harness_report_is_a_one_line_input_error()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.Combine("x.pdf"), "%PDF-1.4 nothing here");
        var result = CliRunner.Run("verify", temp.Combine("x.pdf"));
        Assert.Equal(ExitCodes.InputError, result.ExitCode);
        Assert.Single(result.ErrorLines);
        Assert.Contains("x.pdf", result.Errors);
    }
}
