using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Harness.Core.Metrics;

/// <summary>
/// Every bootstrap metric of a binary sample, for <see cref="Lanes"/> resamples at once: one
/// Vector256 lane per resample, so each row's data is read from memory once for all of them. It
/// gives the sums <see cref="SampleSummary"/> gives for one resample (a test holds them equal) in
/// two passes instead of four, reading each row's weights through its patient's position among
/// the <see cref="Bootstrap"/> counts:
/// <list type="bullet">
/// <item>from the highest risk down (the sample is in ascending order of risk), running sums of the
/// weight, events, hits, risk, Brier and log-loss terms and confidence. They are recorded at a few
/// fixed rows, the cuts, where the equal-width confidence bin or the loess atom changes or the
/// operating threshold is crossed, so bins, atoms and confusion counts are differences of recorded
/// sums. After each run of tied risks holding events, average precision adds the run's events
/// times the precision at that risk: events over weight from the top down to the run.</item>
/// <item>in ascending order of confidence, the equal-mass bins (<see cref="EqualMassBins"/>); only a
/// row that ends a bin in some lane leaves the vector path.</item>
/// </list>
/// Risk and confidence are float32 model outputs, kept as such (exactly); the log-loss term stays double.
/// </summary>
internal sealed class BinaryResampler
{
    public const int Lanes = 4;

    private const byte EventFlag = 1, HitFlag = 2, RunStartFlag = 4, RunWithEventFlag = 8;

    private readonly MetricSample _sample;
    private readonly float[] _risk, _confidence, _confidenceByConfidence;
    private readonly double[] _logLoss;
    private readonly byte[] _flags, _hitByConfidence;
    private readonly int[] _position, _positionByConfidence; // each row's patient's position among the counts
    private readonly int[] _cuts; // ascending, from 0 to n
    private readonly int[] _binOfSegment; // the confidence bin of rows [cuts[j], cuts[j + 1])
    private readonly int[] _atomCuts; // per loess atom boundary, its index in _cuts
    private readonly int _thresholdCut; // index in _cuts of the first row at or above the threshold

    public BinaryResampler(MetricSample sample, int[] positionOfRow)
    {
        if (!sample.IsBinary || !sample.RiskSorted) throw new ArgumentException("A binary sample in ascending order of risk is needed.", nameof(sample));
        _sample = sample;
        int n = sample.N;
        _risk = sample.Risk;
        _confidence = sample.Confidence;
        _confidenceByConfidence = sample.ConfidenceByConfidence;
        _hitByConfidence = sample.HitByConfidence;
        _logLoss = sample.LogLossTerm;
        _position = positionOfRow;
        _positionByConfidence = sample.ByConfidence.Select(row => positionOfRow[row]).ToArray();
        _flags = new byte[n];
        int[] runs = sample.RiskRanking!.Runs;
        for (int r = 0; r + 1 < runs.Length; r++)
        {
            bool anyEvent = false;
            for (int i = runs[r]; i < runs[r + 1]; i++)
            {
                _flags[i] = (byte)((sample.Event[i] == 1 ? EventFlag : 0) | (sample.Hit[i] == 1 ? HitFlag : 0));
                anyEvent |= sample.Event[i] == 1;
            }
            _flags[runs[r]] |= (byte)(RunStartFlag | (anyEvent ? RunWithEventFlag : 0));
        }

        int thresholdRow = Array.IndexOf(sample.AtThreshold, (byte)1);
        if (thresholdRow < 0) thresholdRow = n; // AtThreshold rises once in risk order: 0 below the threshold, 1 from here
        var cuts = new SortedSet<int> { 0, n, thresholdRow };
        for (int i = 1; i < n; i++) if (sample.TopBin[i] != sample.TopBin[i - 1]) cuts.Add(i);
        cuts.UnionWith(sample.LoessAtoms!);
        _cuts = cuts.ToArray();
        _binOfSegment = _cuts[..^1].Select(start => (int)sample.TopBin[start]).ToArray();
        _atomCuts = sample.LoessAtoms!.Select(row => Array.BinarySearch(_cuts, row)).ToArray();
        _thresholdCut = Array.BinarySearch(_cuts, thresholdRow);
    }

    /// <summary>
    /// The summaries of <see cref="Lanes"/> resamples from their draw counts, as
    /// <see cref="Bootstrap.Draw"/> interleaves them: position p's count in lane l is at 4 p + l.
    /// </summary>
    public SampleSummary[] Summarise(byte[] counts)
    {
        var recorded = RiskOrderSweep(counts, out var precisionSum);
        var summaries = new SampleSummary[Lanes];
        var n = recorded[Weight]; // from the top down to the first cut, row 0: everything
        var equalMass = ConfidenceOrderSweep(counts, n);
        for (int lane = 0; lane < Lanes; lane++) summaries[lane] = SampleSummary.OfBinaryResample(_sample, Sums(recorded, lane, precisionSum[lane], equalMass[lane].Ece()));
        return summaries;
    }

    /// <summary>The four counts at <paramref name="position"/> as doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> CountsAt(byte[] counts, int position)
    {
        uint packed = Unsafe.ReadUnaligned<uint>(ref counts[Lanes * position]);
        if (Avx2.IsSupported) return Avx.ConvertToVector256Double(Sse41.ConvertToVector128Int32(Vector128.CreateScalarUnsafe(packed).AsByte()));
        return Vector256.Create((double)(byte)packed, (byte)(packed >> 8), (byte)(packed >> 16), (byte)(packed >> 24));
    }

    // The sums recorded at cut j, in this order: weight, events, hits and hits among events from the top
    // down to row cuts[j] (integers: differences are exact); risk, Brier, log loss and confidence of
    // segment j alone, rows [cuts[j], cuts[j + 1]) (restarted at each cut: no cancellation).
    private const int Weight = 0, Events = 1, Hits = 2, HitEvents = 3, Risk = 4, Brier = 5, LogLoss = 6, Confidence = 7, SumCount = 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call: small samples never warm it up
    private Vector256<double>[] RiskOrderSweep(byte[] counts, out Vector256<double> precisionSum)
    {
        float[] risk = _risk, confidence = _confidence;
        double[] logLoss = _logLoss;
        byte[] flags = _flags;
        int[] cuts = _cuts, position = _position;
        var recorded = new Vector256<double>[cuts.Length * SumCount]; // the last cut, n, stays zero: nothing above it
        var tiny = Vector256.Create(double.Epsilon);
        Vector256<double> weight = default, events = default, hits = default, hitEvents = default;
        Vector256<double> riskSum = default, brier = default, logLossSum = default, confidenceSum = default;
        Vector256<double> ap = default, eventsAboveRun = default;
        // Accumulators stay in registers: the recording below is written out, not a local function (which would capture them).
        int segment = cuts.Length - 2;
        for (int i = risk.Length - 1; i >= 0; i--)
        {
            var w = CountsAt(counts, position[i]);
            int f = flags[i];
            double r = risk[i], e = f & EventFlag, h = (f & HitFlag) >> 1, d = r - e;
            var we = w * e;
            var wh = w * h;
            weight += w;
            events += we;
            hits += wh;
            hitEvents += wh * e;
            riskSum += w * r;
            brier += w * (d * d);
            logLossSum += w * logLoss[i];
            confidenceSum += w * (double)confidence[i];
            if ((f & RunStartFlag) != 0)
            {
                // The run is complete: at its risk as the threshold, everything from it up is called positive.
                if ((f & RunWithEventFlag) != 0) ap += (events - eventsAboveRun) * events / Vector256.Max(weight, tiny);
                eventsAboveRun = events;
            }
            if (i == cuts[segment])
            {
                var slot = recorded.AsSpan(segment * SumCount, SumCount);
                (slot[Weight], slot[Events], slot[Hits], slot[HitEvents]) = (weight, events, hits, hitEvents);
                (slot[Risk], slot[Brier], slot[LogLoss], slot[Confidence]) = (riskSum, brier, logLossSum, confidenceSum);
                riskSum = brier = logLossSum = confidenceSum = default;
                segment--;
            }
        }
        precisionSum = ap;
        return recorded;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private EqualMassBins[] ConfidenceOrderSweep(byte[] counts, Vector256<double> n)
    {
        int[] position = _positionByConfidence;
        float[] confidence = _confidenceByConfidence;
        byte[] hit = _hitByConfidence;
        var lanes = new EqualMassBins[Lanes];
        for (int lane = 0; lane < Lanes; lane++) lanes[lane] = new EqualMassBins(n[lane]);
        // Each lane's position, bin end and current bin's sums, in registers; a lane's EqualMassBins takes over
        // only for a row that reaches a bin's end in some lane (written out: a local function would capture them).
        Vector256<double> filled = default, count = default, confidenceSum = default, correct = default;
        var end = Of(lanes, l => l.End);
        for (int k = 0; k < position.Length; k++)
        {
            var w = CountsAt(counts, position[k]);
            var after = filled + w;
            if (Vector256.GreaterThanOrEqualAny(after, end))
            {
                for (int lane = 0; lane < Lanes; lane++)
                {
                    var bins = lanes[lane];
                    (bins.Position, bins.Count, bins.Confidence, bins.Correct) = (filled[lane], count[lane], confidenceSum[lane], correct[lane]);
                    bins.Add(w[lane], confidence[k], hit[k]);
                }
                (filled, end, count) = (Of(lanes, l => l.Position), Of(lanes, l => l.End), Of(lanes, l => l.Count));
                (confidenceSum, correct) = (Of(lanes, l => l.Confidence), Of(lanes, l => l.Correct));
                continue;
            }
            filled = after;
            count += w;
            confidenceSum += w * (double)confidence[k];
            correct += w * (double)hit[k];
        }
        for (int lane = 0; lane < Lanes; lane++)
            (lanes[lane].Position, lanes[lane].Count, lanes[lane].Confidence, lanes[lane].Correct) =
                (filled[lane], count[lane], confidenceSum[lane], correct[lane]);
        return lanes;
    }

    /// <summary>One field of each lane's bins, as a vector (the rare path where a row closes a bin).</summary>
    private static Vector256<double> Of(EqualMassBins[] lanes, Func<EqualMassBins, double> field) =>
        Vector256.Create(field(lanes[0]), field(lanes[1]), field(lanes[2]), field(lanes[3]));

    private BinaryResampleSums Sums(Vector256<double>[] recorded, int lane, double precisionSum, double eceEqualMass)
    {
        double At(int cut, int sum) => recorded[cut * SumCount + sum][lane];
        double Between(int fromCut, int toCut, int sum)
        {
            if (sum < Risk) return At(fromCut, sum) - At(toCut, sum); // from the top: the lower cut has more
            double total = 0;
            for (int c = fromCut; c < toCut; c++) total += At(c, sum);
            return total;
        }

        int last = _cuts.Length - 1;
        const int bins = ClassificationMetrics.EceBins;
        var (binCount, binConfidence, binCorrect) = (new double[bins], new double[bins], new double[bins]);
        for (int j = 0; j < last; j++)
        {
            int bin = _binOfSegment[j];
            binCount[bin] += Between(j, j + 1, Weight);
            binConfidence[bin] += Between(j, j + 1, Confidence);
            binCorrect[bin] += Between(j, j + 1, Hits);
        }
        int atoms = _atomCuts.Length - 1;
        var (atomWeight, atomRisk, atomEvents) = (new double[atoms], new double[atoms], new double[atoms]);
        for (int a = 0; a < atoms; a++)
            (atomWeight[a], atomRisk[a], atomEvents[a]) =
                (Between(_atomCuts[a], _atomCuts[a + 1], Weight), Between(_atomCuts[a], _atomCuts[a + 1], Risk), Between(_atomCuts[a], _atomCuts[a + 1], Events));

        return new BinaryResampleSums
        {
            N = At(0, Weight),
            Positives = At(0, Events),
            Correct = At(0, Hits),
            CorrectPositives = At(0, HitEvents),
            AtOrAbove = At(_thresholdCut, Weight),
            TruePositivesAtThreshold = At(_thresholdCut, Events),
            Expected = Between(0, last, Risk),
            Brier = Between(0, last, Brier),
            LogLoss = Between(0, last, LogLoss),
            PrecisionSum = precisionSum,
            EceEqualMass = eceEqualMass,
            BinCount = binCount,
            BinConfidence = binConfidence,
            BinCorrect = binCorrect,
            Atoms = (atomWeight, atomRisk, atomEvents),
        };
    }
}

/// <summary>One binary resample's sums, as <see cref="BinaryResampler"/> gathers them (see <see cref="SampleSummary.OfBinaryResample"/>).</summary>
internal readonly record struct BinaryResampleSums
{
    public required double N { get; init; }
    public required double Positives { get; init; }
    public required double Correct { get; init; }
    public required double CorrectPositives { get; init; }
    public required double AtOrAbove { get; init; }
    public required double TruePositivesAtThreshold { get; init; }
    public required double Expected { get; init; }
    public required double Brier { get; init; }
    public required double LogLoss { get; init; }
    public required double PrecisionSum { get; init; }
    public required double EceEqualMass { get; init; }
    public required double[] BinCount { get; init; }
    public required double[] BinConfidence { get; init; }
    public required double[] BinCorrect { get; init; }
    public required (double[] Weight, double[] Risk, double[] Events) Atoms { get; init; }
}
