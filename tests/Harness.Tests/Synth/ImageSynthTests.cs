using Harness.Tests.Support;

namespace Harness.Tests.Synth;

/// <summary>
/// The image cohort, decoded by a PNG reader written in the test (zlib and numpy): lesions make the
/// middle of the image brighter, and the planted marker goes with the label at the training sites
/// and not at the last.
/// </summary>
public sealed class ImageSynthTests
{
    [PythonFact("numpy", "scipy")]
    public void Given_lesion_and_clear_images_When_the_middle_is_compared_with_the_whole_Then_lesions_are_brighter_there()
    {
        using var temp = new TempFolder();
        string output = SynthRuns.Run(temp, "image", "--sites", "1", "--rows", "160", "--size", "32");

        // The lesion lies in the middle half; its brightness there, over the image's mean, against clear images' (Welch's t-test).
        var result = InlinePython.Run(SynthRuns.PngDecoder + """

            import csv, json, sys
            from scipy.stats import ttest_ind
            site = json.load(open(sys.argv[1]))
            lift = {'lesion': [], 'clear': []}
            for row in csv.DictReader(open(site + '/manifest.csv')):
                image = png(site + '/' + row['path'])
                lift[row['label']].append(image[8:24, 8:24].mean() - image.mean())
            t = ttest_ind(lift['lesion'], lift['clear'], equal_var=False)
            print(json.dumps({'lesion': float(np.mean(lift['lesion'])), 'clear': float(np.mean(lift['clear'])), 'p': float(t.pvalue), 'n': [len(lift['lesion']), len(lift['clear'])]}))
            """, Path.Combine(output, "north"));

        double lesion = result["lesion"]!.GetValue<double>(), clear = result["clear"]!.GetValue<double>(), p = result["p"]!.GetValue<double>();
        Assert.True(lesion > clear && p < 1e-6, $"middle minus mean: lesion {lesion:0.0000}, clear {clear:0.0000}, p = {p:G3}");
    }

    [PythonFact("numpy", "scipy")]
    public void Given_a_shortcut_When_markers_are_found_Then_they_go_with_the_lesion_at_training_sites_and_not_at_the_last()
    {
        using var temp = new TempFolder();
        string output = SynthRuns.Run(temp, "image", "--sites", "3", "--rows", "120", "--size", "32", "--shortcut");

        // The marker: the top-left 2x2 patch (inset 1 px) brighter than the patch beside it by over half the marker strength (0.3).
        var result = InlinePython.Run(SynthRuns.PngDecoder + """

            import csv, json, os, sys
            from scipy.stats import fisher_exact
            out = {}
            for site in json.load(open(sys.argv[1])):
                table = [[0, 0], [0, 0]]
                for row in csv.DictReader(open(site + '/manifest.csv')):
                    image = png(site + '/' + row['path'])
                    marked = image[1:3, 1:3].mean() - image[1:3, 4:6].mean() > 0.15
                    table[row['label'] == 'lesion'][int(marked)] += 1
                (clear_no, clear_yes), (lesion_no, lesion_yes) = table
                out[os.path.basename(site)] = {'lesion': lesion_yes / (lesion_yes + lesion_no), 'clear': clear_yes / (clear_yes + clear_no),
                                  'n': [lesion_yes + lesion_no, clear_yes + clear_no], 'p': float(fisher_exact(table)[1])}
            print(json.dumps(out))
            """, new[] { "north", "south", "east" }.Select(s => Path.Combine(output, s)).ToArray());

        foreach (var site in new[] { "north", "south" })
        {
            var s = result[site]!;
            double lesion = s["lesion"]!.GetValue<double>(), clear = s["clear"]!.GetValue<double>();
            Assert.True(lesion > 0.75 && clear < 0.25 && s["p"]!.GetValue<double>() < 1e-6, $"{site}: marker on {lesion:P0} of lesions, {clear:P0} of clear");
        }
        var last = result["east"]!;
        double lastLesion = last["lesion"]!.GetValue<double>(), lastClear = last["clear"]!.GetValue<double>();
        var n = InlinePython.Longs(last["n"]);
        double se = Math.Sqrt(0.25 / n[0] + 0.25 / n[1]); // both near 0.5 when independent
        Assert.True(Math.Abs(lastLesion - lastClear) < 4 * se && Math.Abs((lastLesion + lastClear) / 2 - 0.5) < 0.2,
            $"east: marker on {lastLesion:P0} of lesions, {lastClear:P0} of clear");
    }
}
