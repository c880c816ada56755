using Harness.Core;
using Harness.Core.Inputs;
using Harness.Core.Sites;
using Harness.Synth;
using Harness.Tests.Support;
using Harness.Trainer;
using Harness.Validator;
using Harness.Validator.Inference;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Harness.Tests.EndToEnd;

/// <summary>
/// A small signal model and a small image model, each trained on generated sites (a few epochs:
/// the point is the chain, not the accuracy) and written as model.onnx, for the tests below.
/// </summary>
public sealed class SignalImageModelsFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public SignalImageModelsFixture()
    {
        var none = CancellationToken.None;
        EcgGenerator.Write(_folder.Combine("ecg"), new EcgOptions { Sites = 3, Rows = 60, Seconds = 4, DeviceChangeYear = 2021 }, none);
        ImageGenerator.Write(_folder.Combine("image"), new ImageOptions { Sites = 3, Rows = 60, Size = 32, Shortcut = true }, none);
        Signal = Train("ecg", EcgGenerator.Positive, new TrainingOptions
        {
            Input = new InputOptions { SamplingRate = EcgOptions.DefaultRateHz },
            Augmentation = new AugmentationOptions { Chain = "noise:0.01,scale:0.9-1.1,shift:20,wander:0.05@0.1-0.5,powerline:0.02@50" },
            Targets = new TargetOptions { Mixup = 0.2, CutMix = 1 },
        });
        Image = Train("image", ImageGenerator.Positive, new TrainingOptions
        {
            Augmentation = new AugmentationOptions { Chain = "flip:0.5,rotate:10,jitter:0.1/0.1,crop:2" },
            Targets = new TargetOptions { CutMix = 1 },
        });
    }

    public TrainingOutcome Signal { get; }
    public TrainingOutcome Image { get; }

    public string Site(string kind, string site) => _folder.Combine(kind, site);
    public string Model(string kind) => _folder.Combine(kind + "-model", TrainingOutcome.ModelFileName);

    private TrainingOutcome Train(string kind, string positive, TrainingOptions options)
    {
        var outcome = TrainingRun.Run([Site(kind, "north"), Site(kind, "south")], options with
        {
            PositiveClass = positive,
            Device = DeviceRequest.Cpu,
            Split = new SplitOptions { Cv = "holdout" },
            Optimiser = new OptimiserOptions { Epochs = 15 },
            Architecture = new ArchitectureOptions { Conv = [8, 16] },
        });
        Directory.CreateDirectory(_folder.Combine(kind + "-model"));
        outcome.WriteTo(_folder.Combine(kind + "-model"));
        return outcome;
    }

    public void Dispose()
    {
        Signal.Dispose();
        Image.Dispose();
        _folder.Dispose();
    }
}

/// <summary>
/// Signals and images from manifest to results: the exported graph computes what the trained network
/// computes on every example of a site the model never saw, one by one and in batches, and validation
/// reads the files with the same decoders, describing each site by its channels' means and SDs.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class SignalImageModelTests(SignalImageModelsFixture models, ITestOutputHelper log) : IClassFixture<SignalImageModelsFixture>
{
    /// <summary>Float32 softmax outputs of two implementations of the same graph: rounding differs, nothing else.</summary>
    private const float Tolerance = 1e-4f;

    [Theory]
    [InlineData("ecg")]
    [InlineData("image")]
    public void OnnxRuntime_equals_TorchSharp_eval_mode_on_every_example_at_batch_1_and_32(string kind)
    {
        // Given every example of the held-out site, decoded as training and validation decode it
        var outcome = kind == "ecg" ? models.Signal : models.Image;
        var spec = outcome.Card.Input!;
        var site = SiteData.Load(SiteFolder.Open(models.Site(kind, "east")));
        int column = site.Schema.PathColumnNumber;
        var files = site.Rows.Select(r => new ExampleFile(ExampleFiles.Resolve(site.Site.Directory, r.Path!, "manifest.csv", r.Line, column), "manifest.csv", r.Line, column)).ToList();
        var examples = new float[files.Count * spec.Size];
        InputDecoders.DecodeAll(InputDecoders.For(spec), files, examples);

        // When TorchSharp (eval mode) and ONNX Runtime score them, one at a time and 32 at a time
        float[] torch = outcome.Network.Model.PredictProbabilities(examples, spec.Size, CPU);
        using var model = HarnessModel.Load(models.Model(kind), DeviceRequest.Cpu);
        int classes = outcome.Card.ClassNames.Count;
        foreach (int batch in new[] { 1, 32 })
        {
            var onnx = new List<float>();
            for (int start = 0; start < files.Count; start += batch)
            {
                int n = Math.Min(batch, files.Count - start);
                onnx.AddRange(model.Predict(examples.AsMemory(start * spec.Size, n * spec.Size), n));
            }

            // Then every probability agrees within 1e-4, and the examples are not all scored alike
            Assert.Equal(torch.Length, onnx.Count);
            float worst = torch.Zip(onnx, (a, b) => Math.Abs(a - b)).Max();
            log.WriteLine($"{kind}, batch {batch}: {files.Count} examples, largest |ORT - TorchSharp| = {worst:g3}");
            Assert.True(worst <= Tolerance, $"largest difference {worst:g3} at batch {batch}");
        }
        var positive = Enumerable.Range(0, files.Count).Select(i => torch[i * classes + 1]).ToList();
        Assert.True(positive.Max() - positive.Min() > 0.01, "every example got the same probability, so agreement proves little");
    }

    [Theory]
    [InlineData("ecg")]
    [InlineData("image")]
    public void Validation_reads_the_files_and_describes_the_site_by_channel_means_and_SDs(string kind)
    {
        // Given the model and a site it never saw
        var outcome = kind == "ecg" ? models.Signal : models.Image;

        // When it is validated
        var results = ValidationRun.Run(models.Model(kind), [models.Site(kind, "east")],
            new ValidationOptions { Device = DeviceRequest.Cpu, Intervals = new() { Resamples = 0 } }, TextWriter.Null);

        // Then the results carry the input spec, every example was scored, and the shift table names channel summaries
        Assert.Equal(outcome.Card.Input, results.Model.Input);
        Assert.Empty(results.Model.FeatureNames);
        var east = Assert.Single(results.Sites);
        Assert.Equal(SiteData.Load(SiteFolder.Open(models.Site(kind, "east"))).Rows.Count, east.N);
        Assert.Null(east.Shift!.Reason);
        Assert.Equal(InputSummary.Names(outcome.Card.Input!).Order(), east.Shift.Features.Select(f => f.Feature).Order());
        Assert.Equal(0, east.RowsSeenInTraining);
    }

    [Fact]
    public void A_path_leaving_the_site_or_a_missing_file_stops_validation_naming_the_manifest_line()
    {
        // Given copies of a held-out ECG site whose manifest names a file outside the site, and one that does not exist
        using var temp = new TempFolder();
        string Site(string name, Func<string, string> edit)
        {
            string site = temp.Combine(name);
            CopyFolder(models.Site("ecg", "east"), site);
            var lines = File.ReadAllLines(Path.Combine(site, "manifest.csv"));
            lines[3] = edit(lines[3]);
            File.WriteAllLines(Path.Combine(site, "manifest.csv"), lines);
            return site;
        }
        string escaping = Site("escaping", line => line.Replace("ecg/", "../../etc/"));
        string missing = Site("missing", line => line.Replace(".csv", "-gone.csv"));

        // When each is validated, Then the error names manifest.csv, line 4 and the path column
        foreach (var (site, problem) in new[] { (escaping, "'..'"), (missing, "file not found") })
        {
            var e = Assert.Throws<InputException>(() => ValidationRun.Run(models.Model("ecg"), [site],
                new ValidationOptions { Device = DeviceRequest.Cpu, Intervals = new() { Resamples = 0 } }, TextWriter.Null));
            Assert.EndsWith("manifest.csv", e.File);
            Assert.Equal(4, e.Line);
            Assert.Contains(problem, e.Message);
        }
    }

    [Fact]
    public void A_model_and_a_site_of_different_kinds_are_refused_before_scoring()
    {
        // Given the signal model and an image site; the heart (tabular) sites and the signal model
        var image = Assert.Throws<InputException>(() => ValidationRun.Run(models.Model("ecg"), [models.Site("image", "east")],
            new ValidationOptions { Device = DeviceRequest.Cpu }, TextWriter.Null));
        var tabular = Assert.Throws<InputException>(() => ValidationRun.Run(models.Model("ecg"), [RepoPaths.Sites("heart", "cleveland")],
            new ValidationOptions { Device = DeviceRequest.Cpu }, TextWriter.Null));

        // Then each says what the model reads
        Assert.Contains("is not a signal file", image.Message);
        Assert.Contains("the model reads signal files, but this manifest has no 'path' column", tabular.Message);
    }

    [Fact]
    public void Signal_training_without_a_sampling_rate_or_with_an_image_step_is_refused_before_training()
    {
        var sites = new[] { models.Site("ecg", "north") };
        var noRate = Assert.Throws<InputException>(() => TrainingRun.Run(sites, new TrainingOptions { PositiveClass = EcgGenerator.Positive, Device = DeviceRequest.Cpu }));
        Assert.Contains("input.sampling_rate", noRate.Message);
        var imageStep = Assert.Throws<InputException>(() => TrainingRun.Run(sites, new TrainingOptions
        {
            PositiveClass = EcgGenerator.Positive,
            Device = DeviceRequest.Cpu,
            Input = new InputOptions { SamplingRate = EcgOptions.DefaultRateHz },
            Augmentation = new AugmentationOptions { Chain = "flip:0.5" },
        }));
        Assert.Contains("'flip:0.5' is not an augmentation of signal inputs", imageStep.Message);
    }

    [Theory]
    [InlineData("ecg")]
    [InlineData("image")]
    public void Training_data_keeps_files_not_examples_and_fits_channel_statistics_in_one_streamed_pass(string kind)
    {
        // Given a training site's rows, loaded as training loads them
        var data = Harness.Trainer.Data.TrainingData.FromSites([SiteData.Load(SiteFolder.Open(models.Site(kind, "north")))],
            kind == "ecg" ? EcgGenerator.Positive : ImageGenerator.Positive);
        var rows = Enumerable.Range(0, data.Count).ToArray();

        // When every example is decoded at once, and the streamed statistics are fitted
        var all = data.ExampleRows(rows);
        var fitted = Harness.Trainer.Data.ChannelStatistics.Fit(data, rows);

        // Then nothing was held but summaries, and the statistics equal a plain two-pass computation within 1e-9 (relative)
        Assert.Empty(data.Features);
        var input = data.Input!;
        int channels = input.Channels.Count, per = input.Size / channels;
        for (int c = 0; c < channels; c++)
        {
            var values = Enumerable.Range(0, data.Count).SelectMany(r => all.AsSpan(r * input.Size + c * per, per).ToArray()).Select(v => (double)v).ToArray();
            double mean = values.Average(), sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
            Assert.Equal(mean, fitted.ChannelMean![c], Math.Max(1e-12, Math.Abs(mean) * 1e-9));
            Assert.Equal(sd, fitted.ChannelStd![c], sd * 1e-9);
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
