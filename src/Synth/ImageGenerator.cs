using Harness.Core;
using Harness.Core.Inputs;

namespace Harness.Synth;

/// <summary>The image cohort's options: the image size, how visible the lesion is, and the optional planted shortcut.</summary>
public sealed record ImageOptions : SynthOptions
{
    public ImageOptions()
    {
        Rows = 200;
        Prevalence = 0.5;
    }

    public const int DefaultSize = 64;
    public const double DefaultBlobContrast = 0.2;
    public const double DefaultMarkerStrength = 0.3;

    /// <summary>Width and height in pixels.</summary>
    public int Size { get; init; } = DefaultSize;

    /// <summary>The lesion's peak brightness above the background, on the [0, 1] grey scale (the background's texture has SD 0.07).</summary>
    public double BlobContrast { get; init; } = DefaultBlobContrast;

    /// <summary>Plant the site marker that goes with the label at every site but the last.</summary>
    public bool Shortcut { get; init; }

    /// <summary>How much the marker brightens its patch, on the [0, 1] grey scale.</summary>
    public double MarkerStrength { get; init; } = DefaultMarkerStrength;

    protected override int MaxRows => 100_000;

    public override void Validate()
    {
        base.Validate();
        Require("--size", Size, 16, 1024);
        Require("--blob-contrast", BlobContrast, 0, 1);
        Require("--marker-strength", MarkerStrength, 0, 1);
        if (Shortcut && Sites < 2)
            throw new InputException("--shortcut needs a site without the shortcut to show its failure, but --sites is 1.", "Give --sites 2 or more.");
    }
}

/// <summary>
/// A cohort of 8-bit grey PNG images, "lesion" (a bright elliptical blob somewhere in the middle
/// half) against "clear", on a textured background (smoothed noise with a gentle gradient). Each
/// site has its own contrast, brightness, blur and noise. With a shortcut, a small bright marker in
/// the top-left corner goes with the label at every site but the last (P(marker | lesion) = 0.9,
/// P(marker | clear) = 0.1) and is independent of it at the last (P = 0.5): the failure Zech et al.
/// found in chest radiographs, where a CNN learnt hospital tokens and its AUROC fell from 0.93
/// internally to 0.82 externally (PLOS Med 15(11):e1002683, 2018). Files: images/ID.png in each site.
/// </summary>
public static class ImageGenerator
{
    public const string Positive = "lesion";
    public const string Negative = "clear";
    public const string FileFolder = "images";

    public const double MarkerGivenLesion = 0.9;
    public const double MarkerGivenClear = 0.1;
    public const double MarkerAtLastSite = 0.5;

    /// <summary>The background texture's mean and SD on the [0, 1] grey scale.</summary>
    private const double BackgroundMean = 0.45, BackgroundSd = 0.07;

    /// <summary>The marker: a square of this side, this far from the top and left edges.</summary>
    public static int MarkerSide(int size) => Math.Max(2, size / 16);
    public static int MarkerInset(int size) => Math.Max(1, size / 32);

    private sealed record SiteTraits(double Contrast, double Brightness, double BlurPixels, double Noise);

    public static SynthSummary Write(string folder, ImageOptions options, CancellationToken cancellation)
    {
        options.Validate();
        var sites = new List<SiteSummary>();
        int size = options.Size, last = options.Sites - 1;
        for (int site = 0; site < options.Sites; site++)
        {
            string name = Cohort.SiteNames[site], siteFolder = Path.Combine(folder, name);
            Directory.CreateDirectory(Path.Combine(siteFolder, FileFolder));
            var random = Cohort.SiteRandom(options, site);
            var traits = new SiteTraits(random.Uniform(0.8, 1.25), random.Uniform(-0.08, 0.08), random.Uniform(0, 1.2), random.Uniform(0.01, 0.04));
            double prevalence = Cohort.SitePrevalence(options.Prevalence, site);
            long positives = 0, patients = 0, markedLesions = 0, markedClear = 0;
            DateOnly first = DateOnly.MaxValue, lastDate = DateOnly.MinValue;
            var pixels = new ushort[size * size];
            using (var manifest = new ManifestWriter(siteFolder, name, options.Rows, ["path"]))
                foreach (var example in Cohort.Examples(options, site, maleShare: 0.5))
                {
                    cancellation.ThrowIfCancellationRequested();
                    bool lesion = new SynthRandom(example.PatientSeed).Chance(prevalence); // a patient's lesion shows at every visit
                    var exampleRandom = new SynthRandom(example.Seed);
                    bool marker = options.Shortcut && exampleRandom.Chance(site == last ? MarkerAtLastSite : lesion ? MarkerGivenLesion : MarkerGivenClear);
                    Draw(options, traits, exampleRandom, lesion, marker, pixels);
                    string file = $"{FileFolder}/{manifest.Id(example)}.png";
                    PngWriter.Write(Path.Combine(siteFolder, file), size, size, 1, 8, pixels);
                    manifest.Begin(example, lesion ? Positive : Negative);
                    manifest.Text(file);
                    positives += lesion ? 1 : 0;
                    markedLesions += marker && lesion ? 1 : 0;
                    markedClear += marker && !lesion ? 1 : 0;
                    patients = example.Patient + 1;
                    if (example.Date < first) first = example.Date;
                    if (example.Date > lastDate) lastDate = example.Date;
                }
            string markers = options.Shortcut
                ? $"; marker on {Share(markedLesions, positives)} of lesion, {Share(markedClear, options.Rows - positives)} of clear{(site == last ? " (independent)" : "")}"
                : "";
            sites.Add(new SiteSummary(name, options.Rows, patients, positives, first, lastDate,
                $"contrast {traits.Contrast:0.00}; brightness {traits.Brightness:+0.00;-0.00}; blur {traits.BlurPixels:0.0} px; noise {traits.Noise:0.000}{markers}"));
        }
        int side = MarkerSide(size);
        string story = options.Shortcut
            ? $"Shortcut: a {side}x{side} marker (+{options.MarkerStrength:0.##}) in the top-left corner goes with '{Positive}' at " +
              $"{string.Join(", ", Cohort.SiteNames.Take(last))} (P = {MarkerGivenLesion} with it, {MarkerGivenClear} without) and is independent of the label " +
              $"at {Cohort.SiteNames[last]} (P = {MarkerAtLastSite}): train on the others, validate there."
            : "No shortcut (--shortcut plants one).";
        return new SynthSummary("image", Positive, Negative, sites,
            [$"{size}x{size} 8-bit grey PNG; lesion contrast {options.BlobContrast:0.###} over a texture of SD {BackgroundSd}.", story]);
    }

    private static string Share(long part, long whole) => whole == 0 ? "-" : $"{100.0 * part / whole:0}%";

    /// <summary>Draws one image into <paramref name="pixels"/> (row-major, 0-255).</summary>
    private static void Draw(ImageOptions options, SiteTraits traits, SynthRandom random, bool lesion, bool marker, ushort[] pixels)
    {
        int size = options.Size;
        var image = new double[size * size];
        for (int i = 0; i < image.Length; i++) image[i] = random.Normal();
        Blur(image, size, size / 16.0);
        double mean = image.Average(), sd = Math.Sqrt(image.Sum(v => (v - mean) * (v - mean)) / image.Length);
        double slope = random.Uniform(-0.08, 0.08), direction = random.Uniform(0, 2 * Math.PI), centre = (size - 1) / 2.0;
        for (int y = 0, i = 0; y < size; y++)
            for (int x = 0; x < size; x++, i++)
                image[i] = BackgroundMean + BackgroundSd * (image[i] - mean) / sd
                    + slope * ((x - centre) * Math.Cos(direction) + (y - centre) * Math.Sin(direction)) / size;

        if (lesion) // an ellipse with SDs of size/16 to size/10 along its axes, at any angle
        {
            double cx = random.Uniform(size / 4.0, 3 * size / 4.0), cy = random.Uniform(size / 4.0, 3 * size / 4.0);
            double sigma = random.Uniform(size / 16.0, size / 10.0), aspect = random.Uniform(0.7, 1.3), angle = random.Uniform(0, Math.PI);
            double peak = options.BlobContrast * random.Uniform(0.8, 1.2), cos = Math.Cos(angle), sin = Math.Sin(angle);
            for (int y = 0, i = 0; y < size; y++)
                for (int x = 0; x < size; x++, i++)
                {
                    double u = ((x - cx) * cos + (y - cy) * sin) / (sigma * aspect), v = (-(x - cx) * sin + (y - cy) * cos) / (sigma / aspect);
                    image[i] += peak * Math.Exp(-(u * u + v * v) / 2);
                }
        }

        if (traits.BlurPixels >= 0.3) Blur(image, size, traits.BlurPixels);
        for (int i = 0; i < image.Length; i++) image[i] = 0.5 + traits.Contrast * (image[i] - 0.5) + traits.Brightness;
        if (marker) // burned in after acquisition: sharp-edged
        {
            int side = MarkerSide(size), inset = MarkerInset(size);
            for (int y = inset; y < inset + side; y++)
                for (int x = inset; x < inset + side; x++)
                    image[y * size + x] += options.MarkerStrength;
        }
        for (int i = 0; i < image.Length; i++)
            pixels[i] = (ushort)Math.Round(255 * Math.Clamp(image[i] + random.Normal(0, traits.Noise), 0, 1));
    }

    /// <summary>A separable Gaussian blur of SD <paramref name="sigma"/> pixels (kernel to 3 SD), edges extended.</summary>
    private static void Blur(double[] image, int size, double sigma)
    {
        int radius = (int)Math.Ceiling(3 * sigma);
        var kernel = new double[2 * radius + 1];
        for (int k = -radius; k <= radius; k++) kernel[k + radius] = Math.Exp(-k * k / (2 * sigma * sigma));
        double total = kernel.Sum();
        for (int k = 0; k < kernel.Length; k++) kernel[k] /= total;
        var pass = new double[image.Length];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double sum = 0;
                for (int k = -radius; k <= radius; k++) sum += kernel[k + radius] * image[y * size + Math.Clamp(x + k, 0, size - 1)];
                pass[y * size + x] = sum;
            }
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double sum = 0;
                for (int k = -radius; k <= radius; k++) sum += kernel[k + radius] * pass[Math.Clamp(y + k, 0, size - 1) * size + x];
                image[y * size + x] = sum;
            }
    }
}
