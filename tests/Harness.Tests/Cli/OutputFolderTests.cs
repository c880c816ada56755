using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Harness.Cli;
using Harness.Core;
using Harness.Tests.Support;

namespace Harness.Tests.Cli;

/// <summary>
/// The output folder's contract: it appears complete or not at all; --force replaces only a folder
/// the same command wrote and never one holding the run's inputs; two runs never replace each other
/// silently; SIGTERM and SIGHUP clean up like Ctrl-C; a killed run's staging folder is removed by
/// the next; pipes and devices are refused before anything is created; and the operating system's
/// refusals (permission, read-only, name too long, disk full) are one-line input errors, not bugs.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class OutputFolderTests(HeartModelFixture heart)
{
    private const string Marker = ".harness-output.json";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static string Switzerland => RepoPaths.Sites("heart", "switzerland");

    private string[] Validate(string output, params string[] more) =>
        ["validate", "--model", heart.ModelPath, "--site", Switzerland, "--device", "cpu", "--bootstrap", "0", "--out", output, .. more];

    private static string[] Train(string output, params string[] more) =>
        ["train", "--site", RepoPaths.Sites("heart", "cleveland"), "--site", RepoPaths.Sites("heart", "hungary"),
         "--positive-class", "disease", "--device", "cpu", "--out", output, .. more];

    private static Dictionary<string, byte[]> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllBytes);

    // --- --force replaces only what the same command wrote (issue 7) ---

    [Fact]
    public void Every_output_folder_carries_a_marker_naming_the_command_and_the_version()
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(Validate(temp.Combine("out")));

        Assert.True(result.ExitCode == 0, result.Errors);
        var marker = JsonNode.Parse(File.ReadAllText(temp.Combine("out", Marker)))!;
        Assert.Equal("validate", marker["command"]!.GetValue<string>());
        Assert.Equal(HarnessInfo.Version, marker["version"]!.GetValue<string>());
        Assert.Equal(["predictions.csv", "report.pdf", "results.json"], marker["files"]!.AsArray().Select(f => f!.GetValue<string>()));
    }

    [Fact]
    public void Force_never_replaces_the_run_folder_holding_the_model_being_validated()
    {
        using var temp = new TempFolder();
        string run = temp.Combine("run");
        Assert.Equal(0, CliRunner.Run(Train(run, "--epochs", "2")).ExitCode);
        var before = Snapshot(run);

        var result = CliRunner.Run("validate", "--model", Path.Combine(run, "model.onnx"), "--site", Switzerland,
            "--device", "cpu", "--out", run, "--force");

        CliAssert.Refused(result, "model.onnx", "an input of this run", "--force will not replace it");
        Assert.Equal(before, Snapshot(run));
        Assert.Empty(CliAssert.StagingFolders(temp.Path, "run"));
    }

    [Fact]
    public void Force_never_replaces_a_folder_written_by_another_command()
    {
        using var temp = new TempFolder();
        string run = temp.Combine("run");
        Assert.Equal(0, CliRunner.Run(Train(run, "--epochs", "2")).ExitCode);
        var before = Snapshot(run);

        var result = CliRunner.Run(Validate(run, "--force"));

        CliAssert.Refused(result, "written by 'harness train', not 'harness validate'");
        Assert.Equal(before, Snapshot(run));
        Assert.Empty(CliAssert.StagingFolders(temp.Path, "run"));
    }

    [Fact]
    public void Force_never_replaces_a_folder_holding_a_site()
    {
        using var temp = new TempFolder();
        string site = temp.WriteSite(Path.Combine("data", "site"), File.ReadAllText(RepoPaths.Sites("heart", "cleveland", "manifest.csv")));

        var result = CliRunner.Run("train", "--site", site, "--positive-class", "disease", "--out", temp.Combine("data"), "--force");

        CliAssert.Refused(result, "site", "an input of this run");
        Assert.True(File.Exists(Path.Combine(site, "manifest.csv")));
    }

    [Fact]
    public void Force_never_replaces_the_working_folder_or_a_folder_above_it()
    {
        using var temp = new TempFolder();
        string output = temp.Combine("out");
        Assert.Equal(0, CliRunner.Run(Validate(output)).ExitCode);
        var before = Snapshot(output);

        using var process = HarnessProcess.Start(output, Validate(output, "--force"));
        var result = process.WaitForExit(Patience);

        CliAssert.Refused(result, "holds the current folder");
        Assert.Equal(before, Snapshot(output));
    }

    [Fact]
    public void Force_refuses_a_folder_without_a_marker_such_as_older_versions_wrote()
    {
        using var temp = new TempFolder();
        string output = temp.Combine("out");
        Directory.CreateDirectory(output);
        foreach (var name in new[] { "predictions.csv", "results.json", "report.pdf" }) File.WriteAllText(Path.Combine(output, name), "earlier");

        var result = CliRunner.Run(Validate(output, "--force"));

        CliAssert.Refused(result, Marker, "--force will not replace it");
        Assert.Equal("earlier", File.ReadAllText(Path.Combine(output, "results.json")));
        Assert.Empty(CliAssert.StagingFolders(temp.Path, "out"));
    }

    [Fact]
    public void Force_never_replaces_a_folder_holding_files_harness_did_not_write()
    {
        using var temp = new TempFolder();
        string output = temp.Combine("out");
        Assert.Equal(0, CliRunner.Run(Validate(output)).ExitCode);
        File.WriteAllText(Path.Combine(output, "notes.txt"), "mine");

        var result = CliRunner.Run(Validate(output, "--force"));

        CliAssert.Refused(result, "notes.txt", "Harness did not write");
        Assert.Equal("mine", File.ReadAllText(Path.Combine(output, "notes.txt")));
    }

    [Fact]
    public void Demo_force_replaces_an_earlier_demo_whose_marker_covers_train_and_validate()
    {
        using var temp = new TempFolder();
        string[] demo = ["demo", "--sites", RepoPaths.Sites("heart"), "--out", temp.Combine("demo"), "--device", "cpu"];
        var first = CliRunner.Run(demo);
        File.WriteAllText(temp.Combine("demo", "validate", "results.json"), "earlier");

        var again = CliRunner.Run([.. demo, "--force"]);

        Assert.True(first.ExitCode == 0, first.Errors);
        Assert.True(again.ExitCode == 0, again.Errors);
        Assert.NotEqual("earlier", File.ReadAllText(temp.Combine("demo", "validate", "results.json")));
        Assert.Equal("demo", JsonNode.Parse(File.ReadAllText(temp.Combine("demo", Marker)))!["command"]!.GetValue<string>());
        Assert.False(File.Exists(temp.Combine("demo", "train", Marker)));
        Assert.Equal(["demo"], Directory.EnumerateFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    // --- two runs with the same --out (issue 8) ---

    [Fact]
    public async Task An_out_folder_that_appears_during_the_run_is_left_alone()
    {
        using var temp = new TempFolder();
        string output = temp.Combine("out");
        var run = Task.Run(() => CliRunner.Run("validate", "--model", heart.ModelPath, "--site", Switzerland, "--device", "cpu", "--out", output));
        HarnessProcess.WaitUntil(() => CliAssert.StagingFolders(temp.Path, "out").Any() || run.IsCompleted, Patience, "the staging folder");

        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "other.txt"), "another run's");
        var result = await run;

        CliAssert.Refused(result, "appeared while Harness was running", "--out");
        Assert.Equal(["other.txt"], Directory.EnumerateFileSystemEntries(output).Select(Path.GetFileName));
        Assert.Empty(CliAssert.StagingFolders(temp.Path, "out"));
    }

    [Fact]
    public async Task Two_runs_with_the_same_out_never_both_succeed()
    {
        using var temp = new TempFolder();

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => CliRunner.Run(Validate(temp.Combine("out"))))));

        Assert.Single(results, r => r.ExitCode == 0);
        CliAssert.Refused(Assert.Single(results, r => r.ExitCode != 0), "--out");
        Assert.True(File.Exists(temp.Combine("out", "report.pdf")));
        Assert.Empty(CliAssert.StagingFolders(temp.Path, "out"));
    }

    // --- SIGTERM and SIGHUP (issue 9) ---

    [Theory]
    [InlineData(Posix.SIGTERM, "SIGTERM", 143)]
    [InlineData(Posix.SIGHUP, "SIGHUP", 129)]
    public void A_termination_signal_cleans_up_like_ctrl_c(int signal, string name, int exitCode)
    {
        using var temp = new TempFolder();
        using var process = HarnessProcess.Start(temp.Path, Train(temp.Combine("run"), "--epochs", "100000", "--patience", "100000"));
        HarnessProcess.WaitUntil(() => CliAssert.StagingFolders(temp.Path, "run").Any(), Patience, "the staging folder");

        Posix.Signal(process.Id, signal);
        var result = process.WaitForExit(Patience);

        Assert.True(result.ExitCode == exitCode, $"exit {result.ExitCode}: {result.Errors}");
        Assert.Contains(name, Assert.Single(result.ErrorLines));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    // --- staging folders of killed runs (issue 10) ---

    [Fact]
    public void Staging_folders_left_by_killed_runs_are_removed_by_the_next_run_and_named()
    {
        using var temp = new TempFolder();
        using (var killed = HarnessProcess.Start(temp.Path, Train(temp.Combine("out"), "--epochs", "100000", "--patience", "100000")))
        {
            HarnessProcess.WaitUntil(() => CliAssert.StagingFolders(temp.Path, "out").Any(), Patience, "the staging folder");
            Posix.Signal(killed.Id, Posix.SIGKILL);
            killed.WaitForExit(Patience);
        }
        string abandoned = Assert.Single(CliAssert.StagingFolders(temp.Path, "out"));
        using var alive = System.Diagnostics.Process.Start("sleep", "120");
        string running = temp.Combine($".out.partial-{alive.Id}-0123abcd");
        Directory.CreateDirectory(running);

        var result = CliRunner.Run(Validate(temp.Combine("out")));
        alive.Kill();

        Assert.True(result.ExitCode == 0, result.Errors);
        Assert.Contains(Path.GetFileName(abandoned) + ", left by an interrupted run", result.Output);
        Assert.False(Directory.Exists(abandoned));
        Assert.True(Directory.Exists(running), "a live process's staging folder is left alone");
    }

    // --- pipes, devices and folders where a file is expected (issue 11) ---

    /// <summary>Makes <paramref name="path"/> a FIFO, a folder or a link to /dev/null.</summary>
    private static void MakeNonRegular(string kind, string path)
    {
        if (kind == "fifo") Posix.MakeFifo(path);
        else if (kind == "folder") Directory.CreateDirectory(path);
        else File.CreateSymbolicLink(path, "/dev/null");
    }

    /// <summary>Runs harness, unblocking a FIFO read if it hangs there (and failing the test then).</summary>
    private static CliRunner.Result RunWithin(string fifo, params string[] args)
    {
        var run = Task.Run(() => CliRunner.Run(args));
        if (!run.Wait(TimeSpan.FromSeconds(30)))
        {
            Posix.ReleaseFifoReader(fifo);
            run.Wait(TimeSpan.FromSeconds(30));
            Assert.Fail("harness hung reading a FIFO");
        }
        return run.Result;
    }

    [Theory]
    [InlineData("train", "fifo")]
    [InlineData("train", "folder")]
    [InlineData("train", "device")]
    [InlineData("validate", "fifo")]
    [InlineData("validate", "folder")]
    [InlineData("validate", "device")]
    public void A_manifest_that_is_not_a_regular_file_is_refused_before_anything_is_created(string command, string kind)
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.Combine("site"));
        string manifest = temp.Combine("site", "manifest.csv");
        MakeNonRegular(kind, manifest);
        string[] args = command == "train"
            ? ["train", "--site", temp.Combine("site"), "--out", temp.Combine("out")]
            : ["validate", "--model", heart.ModelPath, "--site", temp.Combine("site"), "--out", temp.Combine("out")];

        var result = RunWithin(manifest, args);

        CliAssert.CleanFailure(result, temp.Path, "out", "manifest.csv", kind == "folder" ? "is a folder" : "not a regular file");
    }

    [Theory]
    [InlineData("--model", "fifo")]
    [InlineData("--model", "device")]
    [InlineData("--criteria", "fifo")]
    [InlineData("--criteria", "device")]
    public void A_model_or_criteria_file_that_is_not_a_regular_file_is_refused(string option, string kind)
    {
        using var temp = new TempFolder();
        string file = temp.Combine("file");
        MakeNonRegular(kind, file);
        string[] args = option == "--model"
            ? ["validate", "--model", file, "--site", Switzerland, "--out", temp.Combine("out")]
            : ["validate", "--model", heart.ModelPath, "--site", Switzerland, "--criteria", file, "--out", temp.Combine("out")];

        var result = RunWithin(file, args);

        CliAssert.CleanFailure(result, temp.Path, "out", "file", "not a regular file", option);
    }

    // --- the operating system's refusals are input errors, not bugs (issue 12) ---

    [NotRootFact, SupportedOSPlatform("linux")]
    public void A_manifest_without_read_permission_is_an_input_error()
    {
        using var temp = new TempFolder();
        string site = temp.WriteSite("site", File.ReadAllText(RepoPaths.Sites("heart", "cleveland", "manifest.csv")));
        File.SetUnixFileMode(Path.Combine(site, "manifest.csv"), UnixFileMode.None);

        var result = CliRunner.Run("train", "--site", site, "--positive-class", "disease", "--out", temp.Combine("out"));

        CliAssert.CleanFailure(result, temp.Path, "out", "manifest.csv", "cannot read the manifest (permission denied)");
    }

    [NotRootFact, SupportedOSPlatform("linux")]
    public void An_out_whose_parent_is_not_writable_is_an_input_error()
    {
        using var temp = new TempFolder();
        string parent = Directory.CreateDirectory(temp.Combine("locked")).FullName;
        File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var result = CliRunner.Run(Validate(Path.Combine(parent, "out")));

            CliAssert.CleanFailure(result, parent, "out", "locked/out", "cannot create the output folder (permission denied)");
        }
        finally
        {
            File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void An_out_below_a_regular_file_is_an_input_error()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.Combine("notes.txt"), "mine");

        var result = CliRunner.Run(Validate(temp.Combine("notes.txt", "out")));

        CliAssert.Refused(result, "notes.txt", "which is a file, not a folder");
        Assert.Equal("mine", File.ReadAllText(temp.Combine("notes.txt")));
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_300_character_folder_name_is_an_input_error()
    {
        using var temp = new TempFolder();
        string name = new('n', 300);

        var result = CliRunner.Run(Validate(temp.Combine(name)));

        CliAssert.Refused(result, name, "cannot create the output folder (file name too long)");
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void An_out_where_nothing_can_be_created_is_an_input_error()
    {
        var result = CliRunner.Run(Validate("/proc/harness-out"));

        CliAssert.Refused(result, "/proc/harness-out", "cannot create the output folder");
    }

    [TmpfsFact]
    public void An_out_on_a_read_only_file_system_is_an_input_error()
    {
        using var readOnly = new Tmpfs("ro,size=64k");

        var result = CliRunner.Run(Validate(readOnly.Combine("out")));

        CliAssert.CleanFailure(result, readOnly.Path, "out", "cannot create the output folder (read-only file system)");
    }

    [TmpfsFact]
    public void A_full_disk_is_an_input_error_and_leaves_nothing_behind()
    {
        using var small = new Tmpfs("size=256k"); // room for predictions.csv and results.json, not report.pdf

        var result = CliRunner.Run(Validate(small.Combine("out")));

        CliAssert.CleanFailure(result, small.Path, "out", "cannot write the output folder (no space left on device)");
        Assert.Empty(Directory.EnumerateFileSystemEntries(small.Path));
    }
}
