using System.Runtime.InteropServices;
using System.Text;
using Harness.Cli;
using Harness.Tests.Support;
using Harness.Results;
using UglyToad.PdfPig;

namespace Harness.Tests.Cli;

/// <summary>
/// Names beyond ASCII: a path that is not valid UTF-8 is named as such (not "not found"), and a
/// CJK site name is drawn in the PDF by a font that has it, or shown as U+FFFD with a warning
/// that says so; never as empty boxes.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class NonUtf8AndCjkNameTests(HeartModelFixture heart)
{
    [DllImport("libc", EntryPoint = "mkdir", SetLastError = true)]
    private static extern int MakeDirectory(byte[] path, uint mode);

    /// <summary>
    /// Makes <paramref name="parent"/>/bad&lt;0xFF&gt;name (a byte that is never UTF-8) and returns the
    /// path as .NET hands such a command-line argument to Harness: with U+FFFD for the byte.
    /// </summary>
    private static string MakeNonUtf8Folder(string parent)
    {
        byte[] path = [.. Encoding.UTF8.GetBytes(parent + "/bad"), 0xFF, .. "name\0"u8];
        Assert.True(MakeDirectory(path, Convert.ToUInt32("755", 8)) == 0, $"mkdir failed: errno {Marshal.GetLastPInvokeError()}");
        return Path.Combine(parent, "bad\uFFFDname");
    }

    public static TheoryData<string> NonUtf8Paths => new() { "--site", "--model", "--criteria", "--out" };

    [Theory]
    [MemberData(nameof(NonUtf8Paths))]
    public void A_path_that_is_not_valid_UTF8_is_named_as_such(string option)
    {
        // Given a folder whose name holds the byte 0xFF
        using var temp = new TempFolder();
        string bad = MakeNonUtf8Folder(temp.Path);
        string criteria = temp.Combine("criteria.json");
        File.WriteAllText(criteria, """{ "criteria": ["auroc >= 0.5"] }""");
        var args = new Dictionary<string, string>
        {
            ["--model"] = heart.ModelPath,
            ["--site"] = RepoPaths.Sites("heart", "switzerland"),
            ["--out"] = temp.Combine("out"),
            ["--criteria"] = criteria,
        };

        // When one option points into it
        args[option] = option == "--site" ? bad : Path.Combine(bad, option == "--out" ? "out" : "file");
        var result = CliRunner.Run(["validate", "--device", "cpu", .. args.SelectMany(a => new[] { a.Key, a.Value })]);

        // Then the one-line error says what is wrong and what to do; nothing is created under a look-alike name
        Assert.Equal(ExitCodes.InputError, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains("not valid UTF-8", line);
        Assert.Contains("Rename it", line);
        Assert.DoesNotContain("not found", line);
        Assert.False(Directory.Exists(bad), "a folder named with U+FFFD was created");
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public void A_CJK_site_name_is_drawn_in_the_shipped_fallback_font_with_no_warning()
    {
        // Given VA Long Beach under a Chinese name (whatever fonts this machine has: the report brings its own)
        const string name = "中文医院";
        using var temp = new TempFolder();
        string site = temp.WriteSite(name, File.ReadAllText(RepoPaths.Sites("heart", "va-long-beach", "manifest.csv")));

        // When it is validated
        var result = CliRunner.Run("validate", "--model", heart.ModelPath, "--site", site, "--out", temp.Combine("out"), "--device", "cpu");

        // Then results.json keeps the name, the report draws it (its text reads back), and nothing is undrawable
        Assert.True(result.ExitCode == ExitCodes.Success, result.Errors + result.Output);
        var results = ResultsJson.Read(temp.Combine("out", "results.json"));
        Assert.Equal(name, Assert.Single(results.Sites).Name);
        using var pdf = PdfDocument.Open(temp.Combine("out", "report.pdf"));
        string text = string.Concat(pdf.GetPages().Select(p => p.Text)).Replace(" ", "");
        Assert.Contains(name, text);
        Assert.DoesNotContain('\uFFFD', text);
        Assert.DoesNotContain(results.Warnings, w => w.Code == WarningCodes.UndrawableCharacters);
    }
}
