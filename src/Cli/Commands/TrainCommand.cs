using System.ComponentModel;
using Harness.Cli.Output;
using Harness.Cli.Infrastructure;
using Harness.Cli.Rendering;
using Harness.Core.Metrics;
using Harness.Core.Sites;
using Harness.Reports;
using Harness.Trainer;
using Spectre.Console;
using Spectre.Console.Cli;
using Defaults = Harness.Trainer.TrainingOptions.Defaults;

namespace Harness.Cli.Commands;

internal sealed class TrainSettings : CommandSettings
{
    [CommandOption("--site <DIR>")]
    [Description("A training site folder holding manifest.csv. Repeat for several sites.")]
    public string[] Sites { get; init; } = [];

    [CommandOption("--out <RUN_DIR>")]
    [Description("Folder to create with model.onnx and training.json. Must not exist (see --force).")]
    public string? Out { get; init; }

    [CommandOption("--force")]
    [Description("Replace --out if an earlier 'harness train' wrote it (and it holds none of this run's sites).")]
    public bool Force { get; init; }

    [CommandOption("--positive-class <CLASS>")]
    [Description("The positive class of a binary problem (needed unless the labels are like 0/1 or no/yes).")]
    public string? PositiveClass { get; init; }

    [CommandOption("--epochs <N>"), DefaultValue(Defaults.Epochs)]
    [Description("Maximum epochs; early stopping usually ends sooner.")]
    public int Epochs { get; init; }

    [CommandOption("--batch-size <N>"), DefaultValue(Defaults.BatchSize)]
    [Description("Mini-batch size.")]
    public int BatchSize { get; init; }

    [CommandOption("--learning-rate <LR>"), DefaultValue(Defaults.LearningRate)]
    [Description("AdamW learning rate.")]
    public double LearningRate { get; init; }

    [CommandOption("--weight-decay <WD>"), DefaultValue(Defaults.WeightDecay)]
    [Description("AdamW decoupled weight decay, applied to weights (not biases).")]
    public double WeightDecay { get; init; }

    [CommandOption("--label-smoothing <EPS>"), DefaultValue(Defaults.LabelSmoothing)]
    [Description("Label smoothing of the training loss, 0 to disable.")]
    public double LabelSmoothing { get; init; }

    [CommandOption("--patience <N>"), DefaultValue(Defaults.Patience)]
    [Description("Early stopping: epochs without validation-loss improvement before stopping.")]
    public int Patience { get; init; }

    [CommandOption("--min-delta <D>"), DefaultValue(Defaults.MinDelta)]
    [Description("Early stopping: smallest validation-loss drop that counts as improvement.")]
    public double MinDelta { get; init; }

    [CommandOption("--cv <SCHEME>"), DefaultValue(Defaults.Cv)]
    [Description("How the development reference is estimated: kfold:K (patient-grouped, stratified; the exported model is then refitted on every row), leave-one-site-out (each training site predicted by a model trained on the others), or holdout (one model; fit, early-stopping and development rows disjoint).")]
    public string Cv { get; init; } = Defaults.Cv;

    [CommandOption("--calibration <METHOD>"), DefaultValue(Defaults.Calibration)]
    [Description("temperature (one temperature dividing the logits inside the ONNX graph, fitted by log loss on held-out predictions) or none.")]
    public string Calibration { get; init; } = Defaults.Calibration;

    [CommandOption("--validation-fraction <F>"), DefaultValue(Defaults.ValidationFraction)]
    [Description("Share of each class, whole patients at a time, that early stopping watches, taken from the rows each model trains on (with --cv holdout, also the share held out for the development reference).")]
    public double ValidationFraction { get; init; }

    [CommandOption("--hidden <WIDTHS>"), DefaultValue(Defaults.HiddenLayers)]
    [Description("Hidden layer widths of the MLP, comma-separated.")]
    public string Hidden { get; init; } = Defaults.HiddenLayers;

    [CommandOption("--conv <WIDTHS>"), DefaultValue(Defaults.ConvWidths)]
    [Description("Signals and images: widths of the CNN's convolution blocks (conv, batch norm, ReLU, max-pool), comma-separated.")]
    public string Conv { get; init; } = Defaults.ConvWidths;

    [CommandOption("--kernel <K>")]
    [Description("Signals and images: the convolution kernel size, odd; by default 7 samples for signals, 3 x 3 pixels for images.")]
    public int? Kernel { get; init; }

    [CommandOption("--sampling-rate <HZ>")]
    [Description("Signals: samples per second of every signal file (the files carry no rate); required for signal training and recorded in the model card.")]
    public double? SamplingRate { get; init; }

    [CommandOption("--dropout <P>"), DefaultValue(Defaults.Dropout)]
    [Description("Dropout after each hidden layer.")]
    public double Dropout { get; init; }

    [CommandOption("--seed <N>"), DefaultValue(Defaults.Seed)]
    [Description("Seed for the split, weight initialisation, shuffling and dropout.")]
    public int Seed { get; init; }

    [CommandOption("--device <DEVICE>"), DefaultValue("auto")]
    [Description(DeviceOption.Help)]
    public string Device { get; init; } = "auto";

    [CommandOption("--threads <N>")]
    [Description("libtorch's threads when training on the CPU; by default 1 for tabular models (fastest for them, and immune to a busy machine) and every core for signals and images. The count used is recorded in the model card.")]
    public int? Threads { get; init; }

    [CommandOption("--threshold <RULE>"), DefaultValue(Defaults.Threshold)]
    [Description("Binary models' operating threshold, chosen on the development predictions: youden (max sensitivity + specificity - 1), a risk such as 0.3, or sensitivity:0.90 / specificity:0.90.")]
    public string Threshold { get; init; } = Defaults.Threshold;

    [CommandOption("--from <DATE>")]
    [Description("Train only on rows dated on or after DATE (YYYY-MM-DD); undated rows are then left out. The card records each site's first and last date.")]
    public string? From { get; init; }

    [CommandOption("--until <DATE>")]
    [Description("Train only on rows dated on or before DATE (YYYY-MM-DD); undated rows are then left out.")]
    public string? Until { get; init; }

    [CommandOption("--monitor <VALUE>"), DefaultValue(Defaults.Monitor)]
    [Description("What early stopping watches on the early-stopping rows: val_loss (lower is better) or val_auroc (higher is better).")]
    public string Monitor { get; init; } = Defaults.Monitor;

    [CommandOption("--min-epochs <N>"), DefaultValue(Defaults.MinEpochs)]
    [Description("Early stopping never stops before this epoch.")]
    public int MinEpochs { get; init; }

    [CommandOption("--lr-schedule <SCHEDULE>"), DefaultValue(Defaults.LrSchedule)]
    [Description("Learning-rate schedule: none, cosine (annealed to 0 over --epochs) or plateau (halved after patience/2 epochs without improvement).")]
    public string LrSchedule { get; init; } = Defaults.LrSchedule;

    [CommandOption("--augment <SPEC>"), DefaultValue(Defaults.Augment)]
    [Description("Training-only augmentation of each batch on the device, steps applied in order, comma-separated, or none. Tabular: noise:SD (Gaussian noise on standardised numeric features; one-hot columns are left alone), missing:P (each value set to its imputed value with probability P). Signals (raw units): noise:SD, scale:LO-HI, shift:MAX (samples), wander:AMP@F1-F2 (Hz), powerline:AMP@HZ (50 or 60). Images: flip:P, rotate:DEG, jitter:B/C (brightness/contrast), crop:PAD (pixels).")]
    public string Augment { get; init; } = Defaults.Augment;

    [CommandOption("--mixup <ALPHA>"), DefaultValue(Defaults.Mixup)]
    [Description("Mixup: each batch mixed with itself reversed, lambda ~ Beta(ALPHA, ALPHA), targets mixed the same way (label smoothing applies to both); 0 disables.")]
    public double Mixup { get; init; }

    [CommandOption("--cutmix <ALPHA>"), DefaultValue(Defaults.CutMix)]
    [Description("CutMix (signal and image models): each example's random box (a time segment for signals) replaced by the same box of its partner in the batch reversed, lambda ~ Beta(ALPHA, ALPHA), targets weighted by the box's area; with --mixup too, each batch gets one of the two at random; 0 disables.")]
    public double CutMix { get; init; }

    [CommandOption("--categorical <COLUMNS>")]
    [Description("Features holding integer category codes (e.g. cp,thal), comma-separated: each is one-hot encoded inside the model, one column per level seen in the rows trained on; a level training never saw counts as missing (all zeros), and 'harness validate' warns of it.")]
    public string? Categorical { get; init; }

    [CommandOption("--created-utc <TIME>")]
    [Description("Creation time to record in the model card (ISO 8601, e.g. 2026-01-31T12:00:00Z); by default now. With the same seed, data and CPU, a fixed time gives a byte-identical model.onnx.")]
    public string? CreatedUtc { get; init; }

    public override ValidationResult Validate() =>
        Sites.Length == 0 ? ValidationResult.Error("Pass at least one --site DIR.")
        : string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("Pass --out RUN_DIR, the folder to create.")
        : ValidationResult.Success();

    [CommandOption("--config <FILE>")]
    [Description("A JSON file of training settings, shaped as training.json's \"config\" (every setting optional); options given on the command line override it.")]
    public string? Config { get; init; }

    /// <summary>
    /// The settings: the defaults, then --config's, then each option given on the command line
    /// (<paramref name="arguments"/>); an option left out keeps the config file's value.
    /// </summary>
    public TrainingOptions ToOptions(IReadOnlyList<string> arguments)
    {
        var given = CommandLineCheck.Given(arguments);
        var start = Config is null ? new TrainingOptions() : TrainingConfigFile.Load(Config);
        T Pick<T>(string option, Func<T> value, T current) => given.Contains(option) ? value() : current;
        return start with
        {
            Architecture = start.Architecture with
            {
                Hidden = Pick("--hidden", () => TrainingOptions.ParseHidden(Hidden, "--hidden"), start.Architecture.Hidden),
                Dropout = Pick("--dropout", () => Dropout, start.Architecture.Dropout),
                Conv = Pick("--conv", () => TrainingOptions.ParseHidden(Conv, "--conv"), start.Architecture.Conv),
                Kernel = Pick("--kernel", () => Kernel, start.Architecture.Kernel),
            },
            Input = start.Input with { SamplingRate = Pick("--sampling-rate", () => SamplingRate, start.Input.SamplingRate) },
            Optimiser = start.Optimiser with
            {
                Epochs = Pick("--epochs", () => Epochs, start.Optimiser.Epochs),
                BatchSize = Pick("--batch-size", () => BatchSize, start.Optimiser.BatchSize),
                LearningRate = Pick("--learning-rate", () => LearningRate, start.Optimiser.LearningRate),
                WeightDecay = Pick("--weight-decay", () => WeightDecay, start.Optimiser.WeightDecay),
                Schedule = Pick("--lr-schedule", () => LrSchedule, start.Optimiser.Schedule),
            },
            EarlyStopping = start.EarlyStopping with
            {
                Monitor = Pick("--monitor", () => Monitor, start.EarlyStopping.Monitor),
                Patience = Pick("--patience", () => Patience, start.EarlyStopping.Patience),
                MinDelta = Pick("--min-delta", () => MinDelta, start.EarlyStopping.MinDelta),
                MinEpochs = Pick("--min-epochs", () => MinEpochs, start.EarlyStopping.MinEpochs),
            },
            Split = start.Split with
            {
                Cv = Pick("--cv", () => Cv, start.Split.Cv),
                ValidationFraction = Pick("--validation-fraction", () => ValidationFraction, start.Split.ValidationFraction),
            },
            Augmentation = start.Augmentation with { Chain = Pick("--augment", () => Augment, start.Augmentation.Chain) },
            Targets = start.Targets with
            {
                LabelSmoothing = Pick("--label-smoothing", () => LabelSmoothing, start.Targets.LabelSmoothing),
                Mixup = Pick("--mixup", () => Mixup, start.Targets.Mixup),
                CutMix = Pick("--cutmix", () => CutMix, start.Targets.CutMix),
            },
            Calibration = start.Calibration with { Method = Pick("--calibration", () => Calibration, start.Calibration.Method) },
            Seed = Pick("--seed", () => Seed, start.Seed),
            PositiveClass = Pick("--positive-class", () => PositiveClass, start.PositiveClass),
            Device = Pick("--device", () => DeviceOption.Parse(Device), start.Device),
            Threads = Pick("--threads", () => Threads, start.Threads),
            Threshold = Pick("--threshold", () => Threshold, start.Threshold),
            From = Pick("--from", () => DateOption.Parse(From, "--from"), start.From),
            Until = Pick("--until", () => DateOption.Parse(Until, "--until"), start.Until),
            Categorical = Pick("--categorical", () => TrainingOptions.ParseColumns(Categorical, "--categorical"), start.Categorical),
            CreatedUtc = CreatedUtc is null ? null
                : DateTimeOffset.TryParse(CreatedUtc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var created)
                    ? created.ToUniversalTime()
                    : throw new Harness.Core.InputException($"--created-utc '{CreatedUtc}' is not a time.", "Write an ISO 8601 time, e.g. --created-utc 2026-01-31T12:00:00Z."),
        };
    }

    /// <summary>
    /// Each setting's path in a config file and its command-line option. Errors about a setting name
    /// the option when it was given on the command line (or there is no config file), and the
    /// config file's setting otherwise.
    /// </summary>
    private static readonly (string Setting, string Option)[] SettingOptions =
    [
        ("architecture.hidden", "--hidden"), ("architecture.dropout", "--dropout"), ("architecture.conv", "--conv"),
        ("architecture.kernel", "--kernel"), ("input.sampling_rate", "--sampling-rate"),
        ("optimiser.epochs", "--epochs"), ("optimiser.batch_size", "--batch-size"), ("optimiser.learning_rate", "--learning-rate"),
        ("optimiser.weight_decay", "--weight-decay"), ("optimiser.schedule", "--lr-schedule"),
        ("early_stopping.monitor", "--monitor"), ("early_stopping.patience", "--patience"),
        ("early_stopping.min_delta", "--min-delta"), ("early_stopping.min_epochs", "--min-epochs"),
        ("split.cv", "--cv"), ("split.validation_fraction", "--validation-fraction"), ("augmentation.chain", "--augment"),
        ("targets.label_smoothing", "--label-smoothing"), ("targets.mixup", "--mixup"), ("targets.cutmix", "--cutmix"), ("calibration.method", "--calibration"),
        ("seed", "--seed"), ("positive_class", "--positive-class"), ("device", "--device"), ("threads", "--threads"), ("threshold", "--threshold"),
        ("from", "--from"), ("until", "--until"), ("categorical", "--categorical"),
    ];

    /// <summary>How errors should call <paramref name="setting"/> for this command line.</summary>
    public Func<string, string> Namer(IReadOnlyList<string> arguments)
    {
        var given = CommandLineCheck.Given(arguments);
        return setting => SettingOptions.FirstOrDefault(x => x.Setting == setting).Option is { } option && (Config is null || given.Contains(option))
            ? option
            : $"{setting} (in {Harness.Core.PathDisplay.Of(Config!)})";
    }

    /// <summary>
    /// The error with each setting it names called as <see cref="Namer"/> calls it. Only names that
    /// cannot be plain words (with '.' or '_') are renamed: "from" in a sentence stays a word.
    /// </summary>
    public Harness.Core.InputException Renamed(Harness.Core.InputException e, IReadOnlyList<string> arguments)
    {
        if (Config is not null && e.File == Harness.Core.PathDisplay.Of(Config)) return e; // the file's own errors use its names
        var name = Namer(arguments);
        string Rename(string text) => SettingOptions.Where(x => x.Setting.IndexOfAny(['.', '_']) >= 0).Aggregate(text, (t, x) =>
            System.Text.RegularExpressions.Regex.Replace(t, $@"(?<![\w.-]){System.Text.RegularExpressions.Regex.Escape(x.Setting)}(?![\w.-])", _ => name(x.Setting)));
        return new(Rename(e.Problem), Rename(e.Fix), e.File, e.Line, e.Column);
    }
}

[Description("Train a tabular MLP on one or more sites and export a self-describing ONNX model.")]
internal sealed class TrainCommand(IAnsiConsole console) : Command<TrainSettings>
{
    public override int Execute(CommandContext context, TrainSettings settings, CancellationToken cancellation)
    {
        try
        {
            var options = settings.ToOptions(context.Arguments);
            options.Validate(settings.Namer(context.Arguments));
            foreach (var site in settings.Sites) SiteFolder.Open(site); // before anything is created
            using var output = StagedOutputFolder.Begin(console, "train", settings.Out!, settings.Force, settings.Sites);
            output.Write(() => Train(console, settings.Sites, options, output.Path, cancellation));
            output.Commit(cancellation);
            console.MarkupLineInterpolated($"Model: [bold]{ConsoleText.Plain(Path.Combine(output.Target, TrainingOutcome.ModelFileName))}[/]");
        }
        catch (Harness.Core.InputException e)
        {
            throw settings.Renamed(e, context.Arguments);
        }
        return ExitCodes.Success;
    }

    /// <summary>Trains and writes model.onnx and training.json into <paramref name="folder"/>; prints a summary.</summary>
    public static void Train(IAnsiConsole console, IReadOnlyList<string> sites, TrainingOptions options, string folder, CancellationToken cancellation)
    {
        var progress = new ProgressViews(console);
        using var outcome = progress.Run(() => TrainingRun.Run(sites, options, progress, cancellation));
        outcome.WriteTo(folder);

        var report = outcome.Report;
        console.MarkupLineInterpolated($"Exported model: {ConsoleText.Plain(report.FinalModel)}.");
        var calibration = report.Calibration;
        if (calibration.Applied)
            console.MarkupLineInterpolated($"Temperature {calibration.Temperature:0.###}, fitted on {ConsoleText.Plain(calibration.FittedOn)}.");
        var development = report.Development;
        string level = $"{(development.Intervals?.Level ?? IntervalOptions.DefaultLevel) * 100:0.#}% CI";
        var folds = report.CrossValidation.Folds;
        var table = new Table().Border(TableBorder.Simple)
            .Title($"The development reference: {ConsoleText.Markup(development.Split)} (n = {development.N}: {ConsoleText.Markup(string.Join(", ", development.ClassCounts.Select(c => $"{c.Value} {c.Key}")))})")
            .AddColumn("metric").AddColumn(new TableColumn($"value ({level})").RightAligned());
        if (folds.Count > 1) table.AddColumn(new TableColumn($"{folds.Count} folds: mean ± SD").RightAligned()).AddColumn(new TableColumn("fold range").RightAligned());
        bool notes = development.Metrics.Any(m => m.Value.Note is not null);
        if (notes) table.AddColumn("note");
        foreach (var (key, value) in development.Metrics)
        {
            var metric = MetricCatalog.Get(key);
            var cells = new List<string> { Markup.Escape(metric.Label), Markup.Escape(ReportFormat.WithInterval(metric, value)) };
            if (folds.Count > 1)
                cells.AddRange(report.CrossValidation.Spread.TryGetValue(key, out var s)
                    ? [Markup.Escape($"{ReportFormat.Value(metric, s.Mean)} ± {ReportFormat.Value(metric, s.Sd)}"), Markup.Escape(ReportFormat.Range(metric, s.Min, s.Max))]
                    : ["", ""]);
            if (notes) cells.Add(ConsoleText.Markup(value.Note ?? ""));
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
        if (folds.Count > 1) WriteFolds(console, report.CrossValidation, development.Metrics.TryGet(MetricKeys.CalibrationSlope, out _));
        if (report.OperatingPoint is { } point)
            console.MarkupLineInterpolated($"Operating threshold {point.Threshold:0.###} ({ConsoleText.Plain(point.Rule)}), stored in the model.");
    }

    /// <summary>Each fold's held-out rows as its own model scored them (under leave-one-site-out: each training site as a new site).</summary>
    private static void WriteFolds(IAnsiConsole console, Harness.Core.ModelCards.CrossValidationRecord record, bool binary)
    {
        string[] keys = binary ? [MetricKeys.Auroc, MetricKeys.CalibrationSlope, MetricKeys.OeRatio] : [MetricKeys.Auroc, MetricKeys.Accuracy];
        // Each fold's best epoch is in training.json; here the numbers a reader compares.
        var table = new Table().Border(TableBorder.Simple)
            .Title(record.Scheme == Harness.Trainer.Data.CrossValidation.LeaveOneSiteOut
                ? "Each training site predicted by a model trained on the others (95% CI)"
                : "Each fold's held-out rows, predicted by that fold's model (95% CI)")
            .AddColumn(record.Scheme == Harness.Trainer.Data.CrossValidation.LeaveOneSiteOut ? "site" : "fold")
            .AddColumn(new TableColumn("n").RightAligned());
        foreach (var key in keys)
            table.AddColumn(new TableColumn(key == MetricKeys.CalibrationSlope ? "slope" : Markup.Escape(MetricCatalog.Get(key).Label)).RightAligned().NoWrap().PadLeft(0));
        foreach (var fold in record.Folds)
            table.AddRow([ConsoleText.Markup(fold.Name), fold.N.ToString(),
                .. keys.Select(k => Markup.Escape(ReportFormat.WithInterval(MetricCatalog.Get(k), fold.Metrics.TryGet(k, out var v) ? v : null)))]);
        console.Write(table);
    }
}
