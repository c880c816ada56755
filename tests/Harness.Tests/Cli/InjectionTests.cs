using System.Text.Json.Nodes;
using Harness.Cli;
using Harness.Tests.Support;
using Harness.Results;
using UglyToad.PdfPig;

namespace Harness.Tests.Cli;

/// <summary>
/// A heart model trained and validated through the CLI on sites whose class names, site names and
/// ids are hostile: Spectre markup, terminal escape sequences, spreadsheet formulas. Done once.
/// </summary>
public sealed class HostileNamesFixture : IDisposable
{
    /// <summary>Markup, an escape sequence (blink) and a leading '@' (a formula in a spreadsheet).</summary>
    public const string Sick = "@[red]sick[/]\u001b[5m";

    /// <summary>A negative number: user text all the same.</summary>
    public const string Well = "-1";

    /// <summary>Validation sites: one whose name is a formula, one whose name starts with a tab.</summary>
    public static readonly string[] SiteNames = ["=cmd|' -C calc'!A0", "\tsite"];

    /// <summary>The ids given to the first rows of each validation site, in order; the other rows keep theirs.</summary>
    public static readonly string[] Ids = ["=1+1", "+2", "-3", "@SUM(A1)", "'5", "plain-6"];

    private readonly TempFolder _temp = new();

    public HostileNamesFixture()
    {
        string cleveland = _temp.WriteSite("cleveland", Relabel("cleveland"));
        string hungary = _temp.WriteSite("hungary", Relabel("hungary"));
        Training = CliRunner.Run("train", "--site", cleveland, "--site", hungary, "--positive-class", Sick,
            "--out", _temp.Combine("run"), "--device", "cpu");
        Sites = SiteNames.Select(name => _temp.WriteSite(name, Relabel("va-long-beach", Ids))).ToArray();
        Validation = CliRunner.Run(["validate", "--model", _temp.Combine("run", "model.onnx"),
            .. Sites.SelectMany(s => new[] { "--site", s }), "--out", Out, "--device", "cpu", "--bootstrap", "200"]);
    }

    public CliRunner.Result Training { get; }
    public CliRunner.Result Validation { get; }
    public string[] Sites { get; }
    public string Out => _temp.Combine("out");

    /// <summary>A bundled heart manifest with the labels renamed to <see cref="Sick"/> and <see cref="Well"/> (and the first ids replaced).</summary>
    public static string Relabel(string site, string[]? ids = null)
    {
        var lines = File.ReadAllLines(RepoPaths.Sites("heart", site, "manifest.csv"));
        Assert.StartsWith("id,label,", lines[0]);
        var rows = lines.Skip(1).Select((line, i) =>
        {
            var cells = line.Split(',');
            cells[1] = cells[1] == "disease" ? Sick : Well;
            if (ids is not null && i < ids.Length) cells[0] = ids[i];
            return string.Join(",", cells);
        });
        return string.Join("\n", [lines[0], .. rows]) + "\n";
    }

    public void Dispose() => _temp.Dispose();
}

/// <summary>
/// User-supplied text never acts on the terminal or on a spreadsheet: markup and control
/// characters in names, paths and messages print as text (escapes such as \x1B), and cells of
/// predictions.csv that a spreadsheet would run as formulas get a leading quote.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class InjectionTests(HeartModelFixture heart, HostileNamesFixture hostile) : IClassFixture<HostileNamesFixture>
{
    private static void AssertNoControlCharacters(string text) =>
        Assert.True(!text.Any(c => char.IsControl(c) && c != '\n'),
            "control character in: " + string.Concat(text.Where(char.IsControl).Select(c => $"U+{(int)c:X4} ")));

    /// <summary>The output with its line breaks and padding gone, so text that a table wrapped reads whole again.</summary>
    private static string Unwrapped(string output) => string.Concat(output.Where(c => !char.IsWhiteSpace(c)));

    private static string[] Validate(TempFolder temp, string model, string site, params string[] more) =>
        ["validate", "--model", model, "--site", site, "--out", temp.Combine("out"), "--device", "cpu", .. more];

    public static TheoryData<string, string> HostileSiteNames => new()
    {
        // A folder name cannot hold '/': this path nests, and both the path and its last folder, "e]", are bad markup.
        { "[red]x[/] [link=http://e]", "e]" },
        { "[bold]site", "[bold]site" },
        { "esc\u001b[31mred", "esc\\x1B[31mred" },
        { "c1\u009b2J\u0007", "c1\\x9B2J\\x07" },
    };

    [Theory]
    [MemberData(nameof(HostileSiteNames))]
    public void A_site_named_with_markup_or_an_escape_sequence_is_validated_and_printed_as_named(string folder, string shown)
    {
        // Given VA Long Beach under a hostile folder name, and criteria under a folder whose name is bad markup
        using var temp = new TempFolder();
        string site = temp.WriteSite(folder, File.ReadAllText(RepoPaths.Sites("heart", "va-long-beach", "manifest.csv")));
        string criteria = temp.Combine("rules]", "criteria.json");
        Directory.CreateDirectory(Path.GetDirectoryName(criteria)!);
        File.WriteAllText(criteria, """{ "criteria": ["auroc >= 0.5"] }""");

        // When it is validated
        var result = CliRunner.Run(Validate(temp, heart.ModelPath, site, "--criteria", criteria));

        // Then it passes like any site: the console and the report show the name as text, results.json keeps it exactly
        Assert.True(result.ExitCode == ExitCodes.Success, result.Errors + result.Output);
        Assert.Empty(result.Errors);
        AssertNoControlCharacters(result.Output);
        Assert.Contains(Unwrapped(shown), Unwrapped(result.Output));
        Assert.Contains("PASS", result.Output);
        var results = ResultsJson.Read(temp.Combine("out", "results.json"));
        Assert.Equal(Path.GetFileName(site), Assert.Single(results.Sites).Name);
        Assert.DoesNotContain(results.Warnings, w => w.Code == WarningCodes.UndrawableCharacters);
        using var pdf = PdfDocument.Open(temp.Combine("out", "report.pdf"));
        Assert.Contains(Unwrapped(shown), Unwrapped(string.Concat(pdf.GetPages().Select(p => p.Text))));
    }

    [Fact]
    public void Training_prints_class_names_holding_markup_and_escape_sequences_as_text()
    {
        var result = hostile.Training;

        Assert.True(result.ExitCode == ExitCodes.Success, result.Errors + result.Output);
        AssertNoControlCharacters(result.Output);
        Assert.Contains("@[red]sick[/]\\x1B[5m", Unwrapped(result.Output));
    }

    [Fact]
    public void Validation_prints_site_and_class_names_as_text()
    {
        var result = hostile.Validation;

        Assert.True(result.ExitCode == ExitCodes.Success, result.Errors + result.Output);
        AssertNoControlCharacters(result.Output);
        Assert.Contains("\\tsite", result.Output);
        Assert.Contains("=cmd|'-Ccalc'!A0", Unwrapped(result.Output));
    }

    [Fact]
    public void Predictions_csv_quotes_user_text_a_spreadsheet_would_run_and_keeps_each_row_s_manifest_line()
    {
        // Given validation of sites named "=cmd|' -C calc'!A0" and "\tsite", with ids such as "=1+1" and "-3"
        // and the classes "@[red]sick[/]..." and "-1"
        var lines = File.ReadAllLines(Path.Combine(hostile.Out, "predictions.csv"));

        // Then the header keeps the class names after "p_" (no cell starts with a formula character there)
        Assert.Equal($"site,id,manifest_line,label,p_{HostileNamesFixture.Well},p_{HostileNamesFixture.Sick}", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        foreach (var (name, folder) in HostileNamesFixture.SiteNames.Zip(hostile.Sites))
        {
            var manifest = File.ReadAllLines(Path.Combine(folder, "manifest.csv"));
            var mine = rows.Where(r => r[0] == "'" + name).ToList();
            Assert.Equal(manifest.Length - 1, mine.Count);

            // Every user-text cell that starts with =, +, -, @, a tab or a quote has one more quote in front
            Assert.Equal(["'=1+1", "'+2", "'-3", "'@SUM(A1)", "''5", "plain-6"], mine.Take(HostileNamesFixture.Ids.Length).Select(r => r[1]));
            Assert.All(mine, r => Assert.Contains(r[3], new[] { "'" + HostileNamesFixture.Well, "'" + HostileNamesFixture.Sick }));

            // The numbers are Harness's own and untouched; the manifest line holds the exact id and label
            foreach (var row in mine)
            {
                Assert.All(row[4..], p => Assert.InRange(double.Parse(p, System.Globalization.CultureInfo.InvariantCulture), 0, 1));
                var cells = manifest[int.Parse(row[2]) - 1].Split(',');
                Assert.Equal(cells[0], row[1].StartsWith('\'') ? row[1][1..] : row[1]);
                Assert.Equal(cells[1], row[3][1..]);
            }
        }
    }

    [Fact]
    public void Results_json_keeps_the_names_exactly()
    {
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(hostile.Out, "results.json")))!;

        Assert.Equal(HostileNamesFixture.SiteNames, results["sites"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        Assert.Equal(HostileNamesFixture.Sick, results["model"]!["positive_class"]!.GetValue<string>());
    }

    [PythonFact("numpy", "sklearn", "scipy", "statsmodels")]
    public void The_independent_check_reads_the_quoted_cells_back()
    {
        var (exit, output) = IndependentChecks.RecomputeMetrics(hostile.Out);

        Assert.True(exit == 0, output);
    }

    public static TheoryData<string> HostileInputs => new() { "site folder", "model path", "option", "manifest cell", "criteria rule" };

    [Theory]
    [MemberData(nameof(HostileInputs))]
    public void An_error_quoting_an_escape_sequence_stays_one_plain_line(string input)
    {
        // Given an input holding ESC [ 2 J (clear the screen)
        using var temp = new TempFolder();
        const string clear = "\u001b[2J";
        string switzerland = RepoPaths.Sites("heart", "switzerland");
        string criteria = temp.Combine("criteria.json");
        File.WriteAllText(criteria, """{ "criteria": ["auroc >= 0.5\u001b[2J"] }"""); // JSON's escape: the rule holds ESC
        var hungary = File.ReadAllLines(RepoPaths.Sites("heart", "hungary", "manifest.csv"));
        hungary[2] = string.Join(",", hungary[2].Split(',').Select((c, i) => i == 2 ? "4" + clear : c));
        string[] args = input switch
        {
            "site folder" => Validate(temp, heart.ModelPath, Directory.CreateDirectory(temp.Combine("no" + clear + "manifest")).FullName),
            "model path" => Validate(temp, temp.Combine("model" + clear + ".onnx"), switzerland),
            "option" => Validate(temp, heart.ModelPath, switzerland, "--seed", "1" + clear),
            "manifest cell" => Validate(temp, heart.ModelPath, temp.WriteSite("site", string.Join("\n", hungary) + "\n")),
            "criteria rule" => Validate(temp, heart.ModelPath, switzerland, "--criteria", criteria),
            _ => throw new ArgumentOutOfRangeException(nameof(input)),
        };

        // When Harness reports it
        var result = CliRunner.Run(args);

        // Then one line, the escape shown as text, nothing written
        Assert.Equal(ExitCodes.InputError, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains("\\x1B[2J", line);
        AssertNoControlCharacters(result.Errors);
        AssertNoControlCharacters(result.Output);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }
}
