using System.Globalization;
using Harness.Core;

namespace Harness.Trainer.Data;

/// <summary>
/// One model's rows by role: <see cref="Fit"/> trains the weights, <see cref="EarlyStopping"/>
/// chooses the epoch, <see cref="Evaluate"/> is predicted by the finished model and never touches
/// any choice. The three are disjoint and never share a patient.
/// </summary>
/// <param name="Name">"holdout", "fold 3 of 5", or the held-out site's name.</param>
public sealed record Fold(string Name, int[] Fit, int[] EarlyStopping, int[] Evaluate);

/// <summary>
/// How the development reference is estimated (<c>--cv</c>): a three-way holdout, k-fold
/// cross-validation stratified by class and grouped by patient, or leave-one-site-out
/// (internal-external validation: each training site held out in turn).
/// </summary>
public sealed record CrossValidation(string Kind, int K = 0)
{
    public const string Holdout = "holdout", KFold = "kfold", LeaveOneSiteOut = "leave-one-site-out";
    public const int MaxK = 20;

    /// <summary>Whether the final model is refitted on every row after the folds (all but holdout).</summary>
    public bool RefitsOnAllRows => Kind != Holdout;

    public override string ToString() => Kind == KFold ? $"{KFold}:{K}" : Kind;

    /// <summary>Parses "holdout", "kfold:K" (K from 2 to <see cref="MaxK"/>) or "leave-one-site-out"; errors name <paramref name="setting"/>.</summary>
    public static CrossValidation Parse(string text, string setting = "split.cv")
    {
        if (text is Holdout or LeaveOneSiteOut) return new(text);
        if (text.StartsWith(KFold + ":", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(KFold.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k is >= 2 and <= MaxK)
            return new(KFold, k);
        throw new InputException($"{setting} '{text}' is not a cross-validation scheme.",
            $"Write kfold:K (K from 2 to {MaxK}, e.g. kfold:5), leave-one-site-out, or holdout.");
    }
}

/// <summary>What a splitter sees of each row: its class, its patient (group key) and its training site.</summary>
public sealed record SplitKeys(int[] Labels, string[] Groups, int[] SiteOfRow, IReadOnlyList<string> ClassNames, IReadOnlyList<string> SiteNames)
{
    public int Count => Labels.Length;
}

/// <summary>
/// Makes the folds of a <see cref="CrossValidation"/> scheme. Every split moves whole patients
/// (rows with the same group key), stratified by class, reproducibly for a seed. Inside each
/// fold, the rows not evaluated are split again by <see cref="StratifiedGroupSplit"/> into fit
/// and early-stopping rows.
/// </summary>
public static class Folds
{
    public static IReadOnlyList<Fold> Make(SplitKeys keys, CrossValidation scheme, double earlyStoppingFraction, int seed) => scheme.Kind switch
    {
        CrossValidation.Holdout => [Holdout(keys, earlyStoppingFraction, seed)],
        CrossValidation.KFold => KFold(keys, scheme.K, earlyStoppingFraction, seed),
        _ => LeaveOneSiteOut(keys, earlyStoppingFraction, seed),
    };

    /// <summary>
    /// About <paramref name="fraction"/> of each class evaluated (the development rows), about as many
    /// again of the rest for early stopping, the remainder fitted.
    /// </summary>
    private static Fold Holdout(SplitKeys keys, double fraction, int seed)
    {
        var (_, byClass) = StratifiedGroupSplit.PatientsByClass(keys.Labels, keys.Groups, keys.ClassNames.Count);
        StratifiedGroupSplit.RequirePatients(byClass, keys.ClassNames, 3, "one each to fit, to stop early, and to evaluate");
        var outer = StratifiedGroupSplit.Create(keys.Labels, keys.Groups, keys.ClassNames, fraction, seed);
        var (fit, stop) = Inner(keys, outer.Train, Math.Min(fraction / (1 - fraction), 0.5), seed + 1, "the holdout");
        return new Fold(CrossValidation.Holdout, fit, stop, outer.Validation);
    }

    /// <summary>
    /// K folds of whole patients, stratified: each class's patients, shuffled and then largest first,
    /// go one at a time to the fold holding the fewest rows of that class (ties: fewest rows, then
    /// lowest fold), so fold sizes differ by at most one patient per class when patients have one row.
    /// </summary>
    private static IReadOnlyList<Fold> KFold(SplitKeys keys, int k, double fraction, int seed)
    {
        var (members, byClass) = StratifiedGroupSplit.PatientsByClass(keys.Labels, keys.Groups, keys.ClassNames.Count);
        // Each fold evaluates every class, and the rows it trains on hold two patients of each (one to fit, one to stop early).
        int needed = k == 2 ? 4 : k;
        StratifiedGroupSplit.RequirePatients(byClass, keys.ClassNames, needed,
            $"one in each of the {k} folds, and two in the rows each fold trains on");
        var random = new Random(seed);
        var foldRows = Enumerable.Range(0, k).Select(_ => new List<int>()).ToArray();
        var classRows = new int[k];
        foreach (var patients in byClass)
        {
            Array.Clear(classRows);
            var order = patients.ToArray();
            random.Shuffle(order);
            foreach (var patient in order.OrderByDescending(p => members[p].Count)) // stable: shuffled within a size
            {
                int target = Enumerable.Range(0, k).MinBy(f => ((long)classRows[f] << 32) + foldRows[f].Count);
                classRows[target] += members[patient].Count;
                foldRows[target].AddRange(members[patient]);
            }
        }
        return foldRows.Select((rows, f) =>
        {
            rows.Sort();
            var held = rows.ToHashSet();
            string name = $"fold {f + 1} of {k}";
            var (fit, stop) = Inner(keys, Enumerable.Range(0, keys.Count).Where(i => !held.Contains(i)).ToArray(), fraction, seed + 1 + f, name);
            return new Fold(name, fit, stop, rows.ToArray());
        }).ToList();
    }

    /// <summary>One fold per training site: the site is evaluated by a model fitted and stopped on the other sites.</summary>
    private static IReadOnlyList<Fold> LeaveOneSiteOut(SplitKeys keys, double fraction, int seed)
    {
        if (keys.SiteNames.Count < 2)
            throw new InputException($"leave-one-site-out needs at least 2 training sites, but there is 1 ('{keys.SiteNames[0]}').",
                "Pass more training sites, or cross-validate with kfold:5.");
        return keys.SiteNames.Select((site, s) =>
        {
            var rest = Enumerable.Range(0, keys.Count).Where(i => keys.SiteOfRow[i] != s).ToArray();
            var (fit, stop) = Inner(keys, rest, fraction, seed + 1 + s, $"the fold leaving out '{site}'");
            return new Fold(site, fit, stop, Enumerable.Range(0, keys.Count).Where(i => keys.SiteOfRow[i] == s).ToArray());
        }).ToList();
    }

    /// <summary>Splits <paramref name="rows"/> into fit and early-stopping rows (whole patients, stratified).</summary>
    private static (int[] Fit, int[] EarlyStopping) Inner(SplitKeys keys, int[] rows, double fraction, int seed, string fold)
    {
        try
        {
            var split = StratifiedGroupSplit.Create(rows.Select(i => keys.Labels[i]).ToArray(), rows.Select(i => keys.Groups[i]).ToArray(),
                keys.ClassNames, fraction, seed);
            return (split.Train.Select(i => rows[i]).ToArray(), split.Validation.Select(i => rows[i]).ToArray());
        }
        catch (InputException x)
        {
            throw new InputException($"in {fold}, {x.Problem}", x.Fix);
        }
    }
}
