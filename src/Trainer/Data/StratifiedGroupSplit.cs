using Harness.Core;

namespace Harness.Trainer.Data;

/// <summary>
/// Holds back about <c>fraction</c> of each class for internal validation, moving whole groups
/// (patients) so that no patient is on both sides, reproducibly for a given seed. In the spirit
/// of scikit-learn's StratifiedGroupKFold, for a single split.
/// </summary>
public static class StratifiedGroupSplit
{
    public sealed record Split(int[] Train, int[] Validation);

    /// <summary>Each patient's rows, and the patients of each class (a patient counts toward the class most of its rows have; ties: lowest class index).</summary>
    internal static (Dictionary<string, List<int>> Members, List<string>[] ByClass) PatientsByClass(int[] labels, string[] groups, int classCount)
    {
        var members = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < labels.Length; i++)
        {
            if (!members.TryGetValue(groups[i], out var list)) members[groups[i]] = list = [];
            list.Add(i);
        }
        var byClass = Enumerable.Range(0, classCount).Select(_ => new List<string>()).ToArray();
        foreach (var (group, rows) in members.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            int majority = rows.GroupBy(r => labels[r]).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
            byClass[majority].Add(group);
        }
        return (members, byClass);
    }

    /// <summary>A class with fewer patients than the roles need would silently be left out of some role.</summary>
    internal static void RequirePatients(List<string>[] byClass, IReadOnlyList<string> classNames, int needed, string why)
    {
        var lacking = Enumerable.Range(0, byClass.Length).Where(c => byClass[c].Count < needed).ToList();
        if (lacking.Count > 0)
            throw new InputException(
                $"the split needs at least {needed} patients of each class ({why}), but " +
                string.Join(", ", lacking.Select(c => $"'{classNames[c]}' has {byClass[c].Count}")) + ".",
                "Add examples of that class, merge it into another class in the label column, or choose a scheme that needs fewer (--cv).");
    }

    /// <param name="classNames">Names errors; one per class index in <paramref name="labels"/>.</param>
    public static Split Create(int[] labels, string[] groups, IReadOnlyList<string> classNames, double fraction, int seed)
    {
        int classCount = classNames.Count;
        var (members, byClass) = PatientsByClass(labels, groups, classCount);
        // A class needs one patient on each side, or one side silently leaves it out.
        RequirePatients(byClass, classNames, 2, "one on each side of the split");

        var random = new Random(seed);
        var validation = new List<int>();
        for (int c = 0; c < classCount; c++)
        {
            var candidates = byClass[c];
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(candidates));
            int classRows = candidates.Sum(g => members[g].Count);
            double target = fraction * classRows;
            int taken = 0, groupsTaken = 0;
            foreach (var group in candidates)
            {
                int size = members[group].Count;
                bool keepsOneForTraining = groupsTaken < candidates.Count - 1;
                bool closer = Math.Abs(taken + size - target) < Math.Abs(taken - target);
                if (keepsOneForTraining && (closer || groupsTaken == 0))
                {
                    validation.AddRange(members[group]);
                    taken += size;
                    groupsTaken++;
                }
            }
        }

        validation.Sort();
        var held = validation.ToHashSet();
        var train = Enumerable.Range(0, labels.Length).Where(i => !held.Contains(i)).ToArray();
        if (validation.Count == 0 || train.Length == 0)
            throw new InputException($"too few patients to hold out a validation split ({members.Count} patients).",
                "Add training data, or lower --validation-fraction.");
        return new Split(train, validation.ToArray());
    }
}
