using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Harness.Core.Metrics;

namespace Harness.Core.ModelCards;

/// <summary>
/// What a Harness model says about itself, stored as ONNX <c>metadata_props</c> so the file
/// stays self-describing: inputs, classes, where it was trained (with manifest hashes), how it
/// scored on its internal validation split (with the predictions themselves, so gaps can have
/// intervals), its operating threshold, how it was trained, by which Harness and when. Each key
/// holds plain text or JSON; <see cref="FormatVersion"/> lets readers reject the unknown.
/// Formats 1 (no development predictions, threshold or missing rates), 2 (no digest) and 3 (no
/// calibration or cross-validation record) are still read. Optional keys added within a format
/// (<see cref="Keys.CategoricalLevels"/>, <see cref="Keys.TrainingDistribution"/>) are absent from
/// cards written before them; readers that do not know them ignore them.
/// </summary>
public sealed record ModelCard
{
    public const string FormatVersion = "4";
    public const string LegacyFormatVersion = "1";

    /// <summary>Every format this Harness reads.</summary>
    public static readonly IReadOnlyList<string> ReadableFormats = [LegacyFormatVersion, "2", SealedFormatVersion, FormatVersion];

    /// <summary>The first format sealed with a digest.</summary>
    public const string SealedFormatVersion = "3";

    /// <summary>The format the card was read from (what this Harness writes, for a new card).</summary>
    public string Format { get; init; } = FormatVersion;

    public required string HarnessVersion { get; init; }
    public required DateTimeOffset CreatedUtc { get; init; }
    /// <summary>A tabular model's input features, in input order; empty for a signal or image model (<see cref="Input"/>).</summary>
    public required IReadOnlyList<string> FeatureNames { get; init; }

    /// <summary>
    /// A signal or image model's input: kind, channels, size and normalisation; null for a tabular model
    /// (its input is <see cref="FeatureNames"/>), and in cards written before signals and images.
    /// </summary>
    public Inputs.InputSpec? Input { get; init; }

    /// <summary>
    /// The columns the training distribution, shift table, missing-value audit and training-row fingerprint
    /// describe: a tabular model's features; a signal or image model's per-channel mean and SD (<see cref="Inputs.InputSummary"/>).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> DescriptorNames => Input is null ? FeatureNames : Inputs.InputSummary.Names(Input);

    /// <summary>What each example is: tabular features, a signal file or an image file.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Inputs.InputKind InputKind => Input?.Kind ?? Inputs.InputKind.Tabular;
    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>The positive class of a binary model; null for multiclass.</summary>
    public string? PositiveClass { get; init; }

    public required IReadOnlyList<TrainingSite> TrainingSites { get; init; }
    public required DevelopmentEvaluation Development { get; init; }

    /// <summary>The development rows' predictions (null in format-1 cards).</summary>
    public DevelopmentPredictions? DevelopmentPredictions { get; init; }

    /// <summary>The binary model's operating threshold (null for multiclass models and format-1 cards).</summary>
    public OperatingPoint? OperatingPoint { get; init; }

    /// <summary>Per feature, the share of training rows where it was missing (null in format-1 cards).</summary>
    public IReadOnlyDictionary<string, double>? FeatureMissingRates { get; init; }

    /// <summary>
    /// Per categorical feature (input order), the levels seen in the training split, ascending: the
    /// model one-hot encodes these and treats any other value as missing. Null: every feature is
    /// numeric (and in cards written before --categorical existed).
    /// </summary>
    public IReadOnlyDictionary<string, double[]>? CategoricalLevels { get; init; }

    /// <summary>The trainer's settings, as the trainer names them.</summary>
    public required JsonObject TrainingConfig { get; init; }

    /// <summary>How the exported probabilities were calibrated (null in cards before format 4).</summary>
    public CalibrationRecord? Calibration { get; init; }

    /// <summary>The folds behind the development reference (null in cards before format 4).</summary>
    public CrossValidationRecord? CrossValidation { get; init; }

    /// <summary>
    /// The training rows' class counts and per-feature distribution, so validation can measure how a
    /// site differs (null in cards written before it existed: validation then says why it has no shift table).
    /// </summary>
    public TrainingDistribution? TrainingDistribution { get; init; }

    /// <summary>Where the model was trained, as asked and as chosen, and why (optional: cards before it lack it).</summary>
    public DeviceChoice? TrainingDevice { get; init; }

    /// <summary>Each network's losses per epoch and chosen epoch (optional: cards before it lack it).</summary>
    public TrainingHistory? TrainingHistory { get; init; }

    /// <summary>The salted fingerprint of the training rows, so validation can count rows seen in training (null in cards before format 4).</summary>
    public RowFingerprint? TrainingRows { get; init; }

    /// <summary>The file's digest as read (<see cref="ModelDigest"/>); null in cards before format 3, which were not sealed.</summary>
    public string? Digest { get; init; }

    public int? PositiveClassIndex => PositiveClass is null ? null : ClassNames.ToList().IndexOf(PositiveClass);

    public static class Keys
    {
        public const string Format = "harness_model_format";
        public const string HarnessVersion = "harness_version";
        public const string CreatedUtc = "created_utc";
        public const string FeatureNames = "feature_names";
        public const string ClassNames = "class_names";
        public const string PositiveClass = "positive_class";
        public const string TrainingSites = "training_sites";
        public const string Development = "development";
        public const string TrainingConfig = "training_config";
        public const string DevelopmentPredictions = "development_predictions";
        public const string OperatingPoint = "operating_point";
        public const string FeatureMissingRates = "feature_missing_rates";
        public const string Calibration = "calibration";
        public const string CrossValidation = "cross_validation";
        public const string TrainingRows = "training_rows";
        public const string CategoricalLevels = "categorical_levels";
        public const string TrainingDistribution = "training_distribution";
        public const string TrainingDevice = "training_device";
        public const string TrainingHistory = "training_history";
        public const string Input = "input";
    }

    public IReadOnlyList<KeyValuePair<string, string>> ToMetadata()
    {
        var props = new List<KeyValuePair<string, string>>
        {
            new(Keys.Format, FormatVersion),
            new(Keys.HarnessVersion, HarnessVersion),
            new(Keys.CreatedUtc, CreatedUtc.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)),
            new(Keys.FeatureNames, JsonSerializer.Serialize(FeatureNames, HarnessJson.Compact)),
            new(Keys.ClassNames, JsonSerializer.Serialize(ClassNames, HarnessJson.Compact)),
        };
        if (Input is not null) props.Add(new(Keys.Input, JsonSerializer.Serialize(Input, HarnessJson.Compact)));
        if (PositiveClass is not null) props.Add(new(Keys.PositiveClass, PositiveClass));
        props.Add(new(Keys.TrainingSites, JsonSerializer.Serialize(TrainingSites, HarnessJson.Compact)));
        props.Add(new(Keys.Development, JsonSerializer.Serialize(Development, HarnessJson.Compact)));
        props.Add(new(Keys.TrainingConfig, TrainingConfig.ToJsonString(HarnessJson.Compact)));
        if (DevelopmentPredictions is not null)
            props.Add(new(Keys.DevelopmentPredictions, JsonSerializer.Serialize(DevelopmentPredictions, HarnessJson.Compact)));
        if (OperatingPoint is not null) props.Add(new(Keys.OperatingPoint, JsonSerializer.Serialize(OperatingPoint, HarnessJson.Compact)));
        if (FeatureMissingRates is not null)
            props.Add(new(Keys.FeatureMissingRates, JsonSerializer.Serialize(FeatureMissingRates, HarnessJson.Compact)));
        if (Calibration is not null) props.Add(new(Keys.Calibration, JsonSerializer.Serialize(Calibration, HarnessJson.Compact)));
        if (CrossValidation is not null) props.Add(new(Keys.CrossValidation, JsonSerializer.Serialize(CrossValidation, HarnessJson.Compact)));
        if (TrainingRows is not null) props.Add(new(Keys.TrainingRows, JsonSerializer.Serialize(TrainingRows, HarnessJson.Compact)));
        if (CategoricalLevels is not null)
            props.Add(new(Keys.CategoricalLevels, JsonSerializer.Serialize(CategoricalLevels, HarnessJson.Compact)));
        if (TrainingDistribution is not null)
            props.Add(new(Keys.TrainingDistribution, JsonSerializer.Serialize(TrainingDistribution, HarnessJson.Compact)));
        if (TrainingDevice is not null) props.Add(new(Keys.TrainingDevice, JsonSerializer.Serialize(TrainingDevice, HarnessJson.Compact)));
        if (TrainingHistory is not null) props.Add(new(Keys.TrainingHistory, JsonSerializer.Serialize(TrainingHistory, HarnessJson.Compact)));
        props.Add(new(ModelDigest.Key, ModelDigest.Placeholder)); // sealed when the file is written
        return props;
    }

    /// <summary>Reads a card back; <paramref name="modelFile"/> names the file in errors.</summary>
    public static ModelCard FromMetadata(IReadOnlyDictionary<string, string> metadata, string modelFile)
    {
        string Get(string key) => metadata.TryGetValue(key, out var v) ? v : throw new InputException(
            $"the model has no '{key}' metadata, so it was not exported by 'harness train' (or was stripped).",
            "Validate a model.onnx written by 'harness train'.", modelFile);

        T? Optional<T>(string key) where T : class => metadata.ContainsKey(key) ? Parse<T>(key) : null;

        T Parse<T>(string key)
        {
            try { return JsonSerializer.Deserialize<T>(Get(key), HarnessJson.Compact) ?? throw new JsonException("null"); }
            catch (JsonException e)
            {
                throw new InputException($"the model's '{key}' metadata is not valid ({e.Message}).",
                    "Re-export the model with 'harness train'.", modelFile);
            }
        }

        string format = Get(Keys.Format);
        if (!ReadableFormats.Contains(format))
            throw new InputException($"the model card format is '{format}'; this Harness reads {string.Join(", ", ReadableFormats.Select(f => $"'{f}'"))}.",
                "Use the Harness version that trained the model, or retrain.", modelFile);
        string? digest = metadata.GetValueOrDefault(ModelDigest.Key);
        if (digest is null && format is SealedFormatVersion or FormatVersion)
            throw Altered(modelFile, "its card has no digest");

        var card = new ModelCard
        {
            Format = format,
            HarnessVersion = Get(Keys.HarnessVersion),
            CreatedUtc = DateTimeOffset.Parse(Get(Keys.CreatedUtc), CultureInfo.InvariantCulture),
            FeatureNames = Parse<string[]>(Keys.FeatureNames),
            ClassNames = Parse<string[]>(Keys.ClassNames),
            PositiveClass = metadata.GetValueOrDefault(Keys.PositiveClass),
            TrainingSites = Parse<TrainingSite[]>(Keys.TrainingSites),
            Development = Parse<DevelopmentEvaluation>(Keys.Development),
            TrainingConfig = Parse<JsonObject>(Keys.TrainingConfig),
            DevelopmentPredictions = Optional<DevelopmentPredictions>(Keys.DevelopmentPredictions),
            OperatingPoint = Optional<OperatingPoint>(Keys.OperatingPoint),
            FeatureMissingRates = Optional<Dictionary<string, double>>(Keys.FeatureMissingRates),
            Calibration = Optional<CalibrationRecord>(Keys.Calibration),
            CrossValidation = Optional<CrossValidationRecord>(Keys.CrossValidation),
            TrainingRows = Optional<RowFingerprint>(Keys.TrainingRows),
            CategoricalLevels = Optional<Dictionary<string, double[]>>(Keys.CategoricalLevels),
            TrainingDistribution = Optional<TrainingDistribution>(Keys.TrainingDistribution),
            TrainingDevice = Optional<DeviceChoice>(Keys.TrainingDevice),
            TrainingHistory = Optional<TrainingHistory>(Keys.TrainingHistory),
            Input = Optional<Inputs.InputSpec>(Keys.Input),
            Digest = digest,
        };
        if (card.Input is { } input && (card.FeatureNames.Count > 0 || input.Kind == Inputs.InputKind.Tabular || !input.IsComplete))
            throw new InputException("the model's input description is incomplete or contradicts its feature names.",
                "Re-export the model with 'harness train'.", modelFile);
        if (card.Input is null && card.FeatureNames.Count == 0)
            throw new InputException("the model's card names no input features and describes no signal or image input.",
                "Re-export the model with 'harness train'.", modelFile);
        if (card.CategoricalLevels?.Keys.FirstOrDefault(k => !card.FeatureNames.Contains(k)) is { } stranger)
            throw new InputException($"the model's categorical levels name '{stranger}', which is not one of its features.",
                "Re-export the model with 'harness train'.", modelFile);
        if (card.TrainingDistribution?.MismatchWith(card.DescriptorNames, card.ClassNames) is { } mismatch)
            throw new InputException($"the model's training distribution does not fit its card ({mismatch}).",
                "Re-export the model with 'harness train'.", modelFile);
        if (card.DevelopmentPredictions is { } predictions && predictions.ClassCount != card.ClassNames.Count)
            throw new InputException("the model's development predictions do not have one probability per class.",
                "Re-export the model with 'harness train'.", modelFile);
        if (card.ClassNames.Count == 2 && card.PositiveClassIndex is not >= 0)
            throw new InputException("the binary model does not name a positive class among its classes.",
                "Re-export the model with 'harness train'.", modelFile);
        return card;
    }

    /// <summary>The error for a model file that is not as 'harness train' wrote it.</summary>
    public static InputException Altered(string modelFile, string why) =>
        new($"the model file was altered after export ({why}).",
            "Use model.onnx exactly as 'harness train' wrote it; retrain if the model or its card must change.", modelFile);
}

/// <summary>
/// A site the model was trained on: its name, how many rows it gave, which exact file, the SHA-256
/// of its content whatever its line endings or column order, and the first and last date of the
/// rows it gave (null without dates, and in cards before format 3).
/// </summary>
public sealed record TrainingSite(string Name, int Rows, string ManifestSha256, string? ContentSha256 = null,
    DateOnly? FirstDate = null, DateOnly? LastDate = null);
