using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Harness.Cli.Infrastructure;
using Harness.Cli.Output;
using Harness.Cli.Rendering;
using Harness.Core;
using Harness.Synth;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Harness.Cli.Commands;

internal sealed class SynthSettings : CommandSettings
{
    [CommandArgument(0, "<KIND>")]
    [Description("ecg (AF against sinus rhythm, 3-lead signal CSVs), image (lesion against clear, grey PNGs) or tabular (heart disease, the 13 features of sites/heart).")]
    public string Kind { get; init; } = "";

    [CommandOption("--out <DIR>")]
    [Description("Folder to create with one site folder per site, each with manifest.csv (and its files). Must not exist (see --force).")]
    public string? Out { get; init; }

    [CommandOption("--force")]
    [Description("Replace --out if an earlier 'harness synth' wrote it.")]
    public bool Force { get; init; }

    [CommandOption("--sites <N>"), DefaultValue(SynthOptions.DefaultSites)]
    [Description("Number of sites (north, south, east, west, central, ...; at most 12). Their prevalence differs; ecg: from the first site to the last, noise, premature beats and rate-controlled AF rise.")]
    public int Sites { get; init; }

    [CommandOption("--years <FIRST-LAST>")]
    [Description("The years the examples' dates spread over, e.g. 2018-2022 (the default), or one year.")]
    public string? Years { get; init; }

    [CommandOption("--rows <N>")]
    [Description("Examples per site (default: ecg 50, image 200, tabular 500).")]
    public int? Rows { get; init; }

    [CommandOption("--seed <N>"), DefaultValue(SynthOptions.DefaultSeed)]
    [Description("The same seed writes the same bytes.")]
    public int Seed { get; init; }

    [CommandOption("--prevalence <P>")]
    [Description("Share of positive examples (af, lesion, disease) at a middle site; the sites spread around it on the log-odds scale (default: ecg 0.3, image 0.5, tabular 0.45).")]
    public double? Prevalence { get; init; }

    [CommandOption("--rate <HZ>"), DefaultValue(EcgOptions.DefaultRateHz)]
    [Description("ecg: samples per second.")]
    public int Rate { get; init; }

    [CommandOption("--seconds <S>"), DefaultValue(EcgOptions.DefaultSeconds)]
    [Description("ecg: length of each recording.")]
    public double Seconds { get; init; }

    [CommandOption("--device-change <YEAR>")]
    [Description("ecg: from this year on, recordings come from a new device (lower gain, a 25 Hz low-pass filter, more electrode-motion noise and baseline wander, which mask P and f waves): a shift over time that hurts a model trained before it.")]
    public int? DeviceChange { get; init; }

    [CommandOption("--device-site <SITE>")]
    [Description("ecg: the one site whose device changes (default: every site).")]
    public string? DeviceSite { get; init; }

    [CommandOption("--size <PIXELS>"), DefaultValue(ImageOptions.DefaultSize)]
    [Description("image: width and height.")]
    public int Size { get; init; }

    [CommandOption("--blob-contrast <C>"), DefaultValue(ImageOptions.DefaultBlobContrast)]
    [Description("image: the lesion's peak brightness above the background, on a 0-1 grey scale (the texture's SD is 0.07).")]
    public double BlobContrast { get; init; }

    [CommandOption("--shortcut")]
    [Description("image: burn a marker into a corner that goes with the lesion at every site but the last, where it is independent of the label.")]
    public bool Shortcut { get; init; }

    [CommandOption("--marker-strength <S>"), DefaultValue(ImageOptions.DefaultMarkerStrength)]
    [Description("image, with --shortcut: how much the marker brightens its patch, on a 0-1 grey scale.")]
    public double MarkerStrength { get; init; }

    [CommandOption("--missing <SHARE>"), DefaultValue(TabularOptions.DefaultMissing)]
    [Description("tabular: share of the chol, slope, ca and thal cells left empty, at random.")]
    public double Missing { get; init; }

    [CommandOption("--drift <D>"), DefaultValue(TabularOptions.DefaultDrift)]
    [Description("tabular: per year, added to the log-odds of disease and, in SDs, to the mean cholesterol.")]
    public double Drift { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("Pass --out DIR, the folder to create.") : ValidationResult.Success();
}

[Description("Write a synthetic multi-site cohort (ECG, image or tabular) with planted site and time effects, the same bytes for the same seed.")]
internal sealed class SynthCommand(IAnsiConsole console) : Command<SynthSettings>
{
    public const string Name = "synth";

    /// <summary>The options that only one kind reads.</summary>
    private static readonly Dictionary<string, string[]> KindOptions = new()
    {
        ["ecg"] = ["--rate", "--seconds", "--device-change", "--device-site"],
        ["image"] = ["--size", "--blob-contrast", "--shortcut", "--marker-strength"],
        ["tabular"] = ["--missing", "--drift"],
    };

    public override int Execute(CommandContext context, SynthSettings settings, CancellationToken cancellation)
    {
        var options = Options(settings, CommandLineCheck.Given(context.Arguments));
        var clock = Stopwatch.StartNew();
        var summary = Generate(console, options, settings.Out!, settings.Force, cancellation);
        Print(summary, Path.GetFullPath(settings.Out!), clock.Elapsed.TotalSeconds);
        return ExitCodes.Success;
    }

    /// <summary>Writes the cohort into <paramref name="target"/> as one staged output folder ("synth" in its marker).</summary>
    public static SynthSummary Generate(IAnsiConsole console, SynthOptions options, string target, bool force, CancellationToken cancellation)
    {
        options.Validate(); // before anything is created
        using var output = StagedOutputFolder.Begin(console, Name, target, force, []);
        var summary = output.Write(() => options switch
        {
            EcgOptions ecg => EcgGenerator.Write(output.Path, ecg, cancellation),
            ImageOptions image => ImageGenerator.Write(output.Path, image, cancellation),
            TabularOptions tabular => TabularGenerator.Write(output.Path, tabular, cancellation),
            _ => throw new UnreachableException(),
        });
        output.Commit(cancellation);
        return summary;
    }

    private static SynthOptions Options(SynthSettings settings, HashSet<string> given)
    {
        string kind = settings.Kind.Trim().ToLowerInvariant();
        if (!KindOptions.TryGetValue(kind, out var own))
            throw new InputException($"'{settings.Kind}' is not a kind of cohort.", $"Write '{HarnessApp.Name} synth ecg', 'synth image' or 'synth tabular'.");
        if (KindOptions.Where(k => k.Key != kind).SelectMany(k => k.Value.Select(o => (Kind: k.Key, Option: o))).FirstOrDefault(x => given.Contains(x.Option)) is { Option: not null } stray)
            throw new InputException($"{stray.Option} applies to '{Name} {stray.Kind}' only, not '{Name} {kind}'.", $"Leave {stray.Option} out.");
        if (given.Contains("--device-site") && !given.Contains("--device-change"))
            throw new InputException("--device-site names the site whose device changes, but --device-change is not given.", "Add --device-change YEAR, or leave --device-site out.");
        if (given.Contains("--marker-strength") && !settings.Shortcut)
            throw new InputException("--marker-strength sets the shortcut's marker, but --shortcut is not given.", "Add --shortcut, or leave --marker-strength out.");

        SynthOptions options = kind switch
        {
            "ecg" => new EcgOptions { RateHz = settings.Rate, Seconds = settings.Seconds, DeviceChangeYear = settings.DeviceChange, DeviceChangeSite = settings.DeviceSite },
            "image" => new ImageOptions { Size = settings.Size, BlobContrast = settings.BlobContrast, Shortcut = settings.Shortcut, MarkerStrength = settings.MarkerStrength },
            _ => new TabularOptions { Missing = settings.Missing, Drift = settings.Drift },
        };
        var (first, last) = settings.Years is null ? (options.FirstYear, options.LastYear) : ParseYears(settings.Years);
        return options with
        {
            Sites = settings.Sites,
            FirstYear = first,
            LastYear = last,
            Rows = settings.Rows ?? options.Rows,
            Prevalence = settings.Prevalence ?? options.Prevalence,
            Seed = settings.Seed,
        };
    }

    /// <summary>"2018-2022" or "2020".</summary>
    private static (int First, int Last) ParseYears(string text)
    {
        var parts = text.Split('-');
        var years = parts.Select(p => int.TryParse(p.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int y) ? y : (int?)null).ToArray();
        return years switch
        {
            [int year] => (year, year),
            [int first, int last] => (first, last),
            _ => throw new InputException($"--years '{text}' is not a span of years.", "Write --years FIRST-LAST, e.g. --years 2018-2022, or one year."),
        };
    }

    private void Print(SynthSummary summary, string folder, double seconds)
    {
        var table = new Table().Border(TableBorder.Simple)
            .Title($"{summary.Kind}: {summary.Sites.Count} sites in {ConsoleText.Markup(PathDisplay.Of(folder))}")
            .AddColumn("site").AddColumn(new TableColumn("rows").RightAligned()).AddColumn(new TableColumn("patients").RightAligned())
            .AddColumn(new TableColumn($"{summary.PositiveLabel}").RightAligned()).AddColumn("dates").AddColumn("site effects");
        foreach (var site in summary.Sites)
            table.AddRow(Markup.Escape(site.Name), $"{site.Rows:N0}", $"{site.Patients:N0}", $"{site.Positives:N0} ({site.Prevalence:0.0%})",
                $"{site.FirstDate:yyyy-MM-dd}..{site.LastDate:yyyy-MM-dd}", Markup.Escape(site.Notes));
        console.Write(table);
        foreach (var line in summary.Story) console.WriteLine(line);
        long bytes = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Wrote {summary.Rows:N0} examples ({summary.NegativeLabel} / {summary.PositiveLabel}), {bytes / 1e6:0.0} MB, in {seconds:0.00} s ({summary.Rows / Math.Max(seconds, 1e-9):N0} rows/s)."));
    }
}
