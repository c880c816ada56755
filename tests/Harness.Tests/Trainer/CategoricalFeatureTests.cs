using System.Globalization;
using System.Text.Json.Nodes;
using Harness.Core;
using Harness.Core.ModelCards;
using Harness.Core.Sites;
using Harness.Tests.Support;
using Harness.Trainer;
using Harness.Validator.Inference;
using Harness.Results;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Harness.Tests.Trainer;

/// <summary>
/// The heart model trained with cp, restecg, slope and thal as categorical features (the issue's
/// example), once for the tests below. Augmentation is on so that noise and feature dropout run
/// over the widened, partly one-hot input.
/// </summary>
public sealed class CategoricalHeartFixture : IDisposable
{
    public static readonly string[] Categorical = ["cp", "restecg", "slope", "thal"];

    private readonly TempFolder _folder = new();

    public CategoricalHeartFixture()
    {
        Outcome = TrainingRun.Run([RepoPaths.Sites("heart", "cleveland"), RepoPaths.Sites("heart", "hungary")],
            new TrainingOptions { PositiveClass = "disease", Device = DeviceRequest.Cpu, Categorical = Categorical, Augmentation = new() { Chain = "noise:0.05,missing:0.1" } });
        Outcome.WriteTo(_folder.Path);
    }

    public TrainingOutcome Outcome { get; }
    public string ModelPath => Path.Combine(_folder.Path, TrainingOutcome.ModelFileName);
    public string TrainingJsonPath => Path.Combine(_folder.Path, TrainingOutcome.ReportFileName);

    public void Dispose()
    {
        Outcome.Dispose();
        _folder.Dispose();
    }
}

/// <summary>
/// `--categorical`: integer codes one-hot encoded inside the graph, ONNX Runtime equal to TorchSharp
/// on real and unseen levels, the levels in the card and training.json, and the validator's warning
/// for levels training never saw.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class CategoricalFeatureTests(CategoricalHeartFixture model, HeartModelFixture numericModel, ITestOutputHelper log)
    : IClassFixture<CategoricalHeartFixture>
{
    /// <summary>
    /// The levels of each categorical column in the Cleveland and Hungary manifests, counted by hand
    /// from the CSV files (a Python Counter over the columns): every level has at least 4 rows in
    /// Cleveland, so the training split sees them all.
    /// </summary>
    private static readonly Dictionary<string, double[]> HeartLevels = new()
    {
        ["cp"] = [1, 2, 3, 4], ["restecg"] = [0, 1, 2], ["slope"] = [1, 2, 3], ["thal"] = [3, 6, 7],
    };

    /// <summary>9 numeric features (13 less the 4 categorical ones) and 4 + 3 + 3 + 3 one-hot columns.</summary>
    private const int EncodedWidth = 9 + 13;

    public static TheoryData<string> AllSites => new() { "cleveland", "hungary", "switzerland", "va-long-beach" };

    [Theory]
    [MemberData(nameof(AllSites))]
    public void OnnxRuntime_probabilities_equal_TorchSharp_on_every_row_and_on_unseen_levels(string siteName)
    {
        // Given a site's rows, raw, followed by the same rows with cp and thal set to codes training never saw
        var card = model.Outcome.Card;
        var site = SiteData.Load(SiteFolder.Open(RepoPaths.Sites("heart", siteName)));
        int[] columnOf = site.Schema.AlignTo(card.FeatureNames, site.Site.ManifestPath, "the model");
        int width = card.FeatureNames.Count, rows = site.Rows.Count;
        int cp = card.FeatureNames.ToList().IndexOf("cp"), thal = card.FeatureNames.ToList().IndexOf("thal");
        var features = new float[2 * rows * width];
        for (int r = 0; r < rows; r++)
            for (int f = 0; f < width; f++) features[r * width + f] = features[(rows + r) * width + f] = site.Rows[r].Features[columnOf[f]];
        for (int r = rows; r < 2 * rows; r++)
        {
            features[r * width + cp] = r % 2 == 0 ? 0 : 5;
            features[r * width + thal] = r % 3 == 0 ? float.NaN : 2;
        }

        // When TorchSharp (eval mode) and ONNX Runtime (CPU) score them
        float[] torchP = model.Outcome.Network.Model.PredictProbabilities(features, width, CPU);
        using var session = Session(model.ModelPath);
        using var input = OrtValue.CreateTensorValueFromMemory(features, [2 * rows, width]);
        using var outputs = session.Run(new RunOptions(), [ModelContract.FeaturesInput], [input], [ModelContract.ProbabilitiesOutput]);
        float[] ortP = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        // Then every probability agrees within 1e-5
        Assert.Equal(torchP.Length, ortP.Length);
        float worst = torchP.Zip(ortP, (a, b) => Math.Abs(a - b)).Max();
        log.WriteLine($"{siteName}: {2 * rows} rows, largest |ORT - TorchSharp| = {worst:g3}");
        Assert.True(worst <= 1e-5f, $"largest difference {worst:g3} at {siteName}");
    }

    [Fact]
    public void The_first_layer_reads_the_numeric_features_and_one_column_per_training_level()
    {
        var onnx = ModelProto.Parser.ParseFrom(File.ReadAllBytes(model.ModelPath));

        // The graph one-hot encodes inside, and its first Gemm is [hidden, 9 numeric + 13 levels]
        Assert.Equal(["Gather", "IsNaN", "Where", "Sub", "Div", "Gather", "Equal", "Cast", "Concat", "Gemm", "Relu", "Gemm", "Relu", "Gemm", "Div", "Softmax"],
            onnx.Graph.Node.Select(n => n.OpType));
        Assert.Equal([32L, EncodedWidth], onnx.Graph.Initializer.Single(t => t.Name == "linear0_weight").Dims);
        Assert.Equal(13, onnx.Graph.Input.Single().Type.TensorType.Shape.Dim[1].DimValue); // the input stays the raw features
        Assert.Equal(EncodedWidth, model.Outcome.Network.Tabular!.Preprocessing.EncodedWidth);

        // The card, read back from the file, has the levels
        using var session = Session(model.ModelPath);
        var card = ModelCard.FromMetadata(session.ModelMetadata.CustomMetadataMap, model.ModelPath);
        Assert.Equal(CategoricalHeartFixture.Categorical, card.CategoricalLevels!.Keys);
        foreach (var (feature, levels) in HeartLevels) Assert.Equal(levels, card.CategoricalLevels[feature]);
        Assert.Equal(CategoricalHeartFixture.Categorical, card.TrainingConfig["categorical"]!.AsArray().Select(n => n!.GetValue<string>()));

        // and so does training.json, where numeric features keep their median, mean and SD
        var preprocessing = JsonNode.Parse(File.ReadAllText(model.TrainingJsonPath))!["preprocessing"]!;
        foreach (var (feature, levels) in HeartLevels)
        {
            Assert.Equal(levels, preprocessing[feature]!["one_hot_levels"]!.AsArray().Select(n => n!.GetValue<double>()));
            Assert.Null(preprocessing[feature]!["median"]);
        }
        Assert.NotNull(preprocessing["age"]!["median"]);
        Assert.Null(preprocessing["age"]!["one_hot_levels"]);
    }

    [Fact]
    public void Levels_are_those_of_the_training_split_and_statistics_are_the_numeric_features_alone()
    {
        // Independent recomputation from the training split's raw rows
        var data = model.Outcome.Data;
        var train = model.Outcome.ExportedFitRows;
        var block = model.Outcome.Network.Tabular!.Preprocessing;
        float[] Column(int f) => train.Select(r => data.Features[r * data.ExampleSize + f]).Where(v => !float.IsNaN(v)).ToArray();

        foreach (var column in block.Categorical)
            Assert.Equal(Column(column.Column).Distinct().Order().ToArray(), column.Levels);
        var numeric = Enumerable.Range(0, data.ExampleSize).Where(f => !CategoricalHeartFixture.Categorical.Contains(data.FeatureNames[f])).ToArray();
        Assert.Equal(numeric, block.NumericColumns);
        float[] medians = block.ImputeMedian.data<float>().ToArray();
        for (int i = 0; i < numeric.Length; i++)
        {
            var observed = Column(numeric[i]).Order().ToList();
            double median = observed.Count % 2 == 1 ? observed[observed.Count / 2]
                : (observed[observed.Count / 2 - 1] + (double)observed[observed.Count / 2]) / 2;
            Assert.Equal((float)median, medians[i]);
        }
    }

    [Fact]
    public void A_card_without_categorical_levels_loads_as_all_numeric()
    {
        // Given the numeric heart model's card: it has no categorical_levels key (as cards before --categorical)
        var metadata = numericModel.Outcome.Card.ToMetadata().ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.DoesNotContain(ModelCard.Keys.CategoricalLevels, metadata.Keys);

        var card = ModelCard.FromMetadata(metadata, "model.onnx");

        Assert.Null(card.CategoricalLevels);
    }

    [Fact]
    public void Validation_warns_of_levels_unseen_in_training_with_the_rows_that_have_them()
    {
        // Given Switzerland with cp set to 5 on rows 1-7 and thal to 2 on row 9 (codes training never saw)
        using var temp = new TempFolder();
        var lines = File.ReadAllLines(RepoPaths.Sites("heart", "switzerland", "manifest.csv"));
        var header = lines[0].Split(',').ToList();
        int cp = header.IndexOf("cp"), thal = header.IndexOf("thal");
        for (int line = 1; line < lines.Length; line++)
        {
            var cells = lines[line].Split(',');
            if (line <= 7) cells[cp] = "5";
            if (line == 9) cells[thal] = "2";
            lines[line] = string.Join(",", cells);
        }
        string odd = temp.WriteSite("odd", string.Join("\n", lines) + "\n");
        // expected counts straight from the edited text: non-empty cells not among the levels listed by hand
        int Unseen(string feature) => lines.Skip(1).Select(l => l.Split(',')[header.IndexOf(feature)])
            .Count(v => v.Length > 0 && !HeartLevels[feature].Contains(double.Parse(v, CultureInfo.InvariantCulture)));
        Assert.Equal(7, Unseen("cp"));

        // When the categorical model is validated there and at VA Long Beach (no unseen level)
        var result = CliRunner.Run("validate", "--model", model.ModelPath, "--site", odd, "--site", RepoPaths.Sites("heart", "va-long-beach"),
            "--out", temp.Combine("out"), "--device", "cpu");

        // Then results.json and the console carry the warning for the edited site only, with the counts
        Assert.True(result.ExitCode == 0, result.Errors);
        var results = ResultsJson.Read(temp.Combine("out", "results.json"));
        var warning = Assert.Single(results.Sites[0].Warnings, w => w.Code == WarningCodes.UnseenCategoricalLevel);
        Assert.Equal(new Dictionary<string, double> { ["cp"] = Unseen("cp"), ["thal"] = Unseen("thal") }, warning.Numbers);
        Assert.StartsWith("7 rows at site odd have levels of cp unseen in training (5), and 1 row has a level of thal unseen in training (2)", warning.Message);
        Assert.Contains("all-zero (missing)", warning.Message);
        Assert.DoesNotContain(results.Sites[1].Warnings, w => w.Code == WarningCodes.UnseenCategoricalLevel);
        Assert.Contains($"warning (odd, {WarningCodes.UnseenCategoricalLevel})", result.Output);
    }

    [Fact]
    public void The_shift_bins_categorical_features_by_level_with_unseen_levels_apart_and_gives_them_no_smd()
    {
        // Given Switzerland with cp set to 5 (a code training never saw) on rows 1-7
        using var temp = new TempFolder();
        var lines = File.ReadAllLines(RepoPaths.Sites("heart", "switzerland", "manifest.csv"));
        int cp = lines[0].Split(',').ToList().IndexOf("cp");
        for (int line = 1; line <= 7; line++)
        {
            var cells = lines[line].Split(',');
            cells[cp] = "5";
            lines[line] = string.Join(",", cells);
        }
        string odd = temp.WriteSite("odd", string.Join("\n", lines) + "\n");
        // expected histograms straight from the manifests' text: rows per cp level (1-4), then other codes, then empty cells
        static int Bin(string cell) => cell.Length == 0 ? 5
            : Array.IndexOf(HeartLevels["cp"], double.Parse(cell, CultureInfo.InvariantCulture)) is var level and >= 0 ? level : 4;
        long[] Histogram(IEnumerable<string> manifestLines)
        {
            var histogram = new long[6];
            foreach (string line in manifestLines) histogram[Bin(line.Split(',')[cp])]++;
            return histogram;
        }
        long[] training = Histogram(new[] { "cleveland", "hungary" }.SelectMany(s => File.ReadAllLines(RepoPaths.Sites("heart", s, "manifest.csv")).Skip(1)));
        long[] site = Histogram(lines.Skip(1));
        Assert.Equal(7, site[4]);

        // When the categorical model is validated there
        var results = Harness.Validator.ValidationRun.Run(model.ModelPath, [odd],
            new Harness.Validator.ValidationOptions { Device = DeviceRequest.Cpu, Intervals = new() { Resamples = 0 } }, TextWriter.Null);

        // Then the card bins cp by its levels, and the site's cp has those bins, the unseen codes, then missing
        var distribution = model.Outcome.Card.TrainingDistribution!.Features.Single(f => f.Name == "cp");
        Assert.Equal(HeartLevels["cp"], distribution.Levels!);
        Assert.Null(distribution.Edges);
        var shift = results.Sites[0].Shift!.Features.Single(f => f.Feature == "cp");
        Assert.Equal("categorical", shift.Kind);
        Assert.Equal(training, shift.TrainingCounts);
        Assert.Equal(site, shift.SiteCounts);
        // no SMD for codes; KS is the total variation over the observed levels: ½ Σ |site share − training share|
        Assert.Null(shift.Smd);
        double siteObserved = site[..5].Sum(), trainingObserved = training[..5].Sum();
        Assert.Equal(Enumerable.Range(0, 5).Sum(i => Math.Abs(site[i] / siteObserved - training[i] / trainingObserved)) / 2, shift.Ks!.Value, 1e-12);
        Assert.Equal(Harness.Core.Statistics.DistributionShift.Psi(site, training), shift.Psi, 1e-12);
        Assert.NotNull(results.Sites[0].Shift!.Features.Single(f => f.Feature == "age").Smd); // numeric features keep theirs
    }

    [Fact]
    public void The_column_indices_and_levels_are_buffers_so_they_move_with_the_model()
    {
        var keys = model.Outcome.Network.Model.Module.state_dict().Keys.ToHashSet();

        Assert.Contains("blocks.preprocess.numeric_columns", keys);
        Assert.Contains("blocks.preprocess.categorical_columns", keys);
        Assert.Contains("blocks.preprocess.categorical_levels", keys);
        Assert.DoesNotContain(numericModel.Outcome.Network.Model.Module.state_dict().Keys, k => k.Contains("categorical"));
    }

    [CudaFact]
    public void One_hot_preprocessing_on_cuda_gives_the_cpu_output()
    {
        var statistics = new Harness.Trainer.Data.FeatureStatistics([10f], [1f], [2f]) { Categorical = [new(1, [1f, 2f, 4f])] };
        using var block = new Harness.Trainer.Model.Preprocessing(statistics);
        float[] input = [3, 2, float.NaN, float.NaN, 5, 3, 0, 4];
        float[] cpu = block.forward(tensor(input, [4, 2])).data<float>().ToArray();

        block.to(CUDA);
        float[] gpu = block.forward(tensor(input, [4, 2]).to(CUDA)).cpu().data<float>().ToArray();

        Assert.Equal(cpu, gpu);
    }

    [PythonFact("onnx")]
    public void The_onnx_checker_accepts_the_categorical_model_with_full_shape_inference()
    {
        var (exit, output) = IndependentChecks.CheckOnnx(model.ModelPath);

        Assert.True(exit == 0, output);
    }

    /// <summary>A CPU session made as the validator makes it.</summary>
    private static InferenceSession Session(string path)
    {
        var (options, _) = ExecutionProviders.Create(DeviceRequest.Cpu);
        using (options) return new InferenceSession(path, options);
    }
}
