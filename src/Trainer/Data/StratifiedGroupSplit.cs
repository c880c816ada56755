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

    /// <param name="classNames">Names errors; one per class index in <paramref name="labels"/>.</param>
    public static Split Create(int[] labels, string[] groups, IReadOnlyList<string> classNames, double fraction, int seed)
    {
        int classCount = classNames.Count;
        // A group counts toward the class most of its rows have (ties: lowest class index).
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

        // A class needs one patient to fit and one to evaluate, or the development metrics silently leave it out.
        var lacking = Enumerable.Range(0, classCount).Where(c => byClass[c].Count < 2).ToList();
        if (lacking.Count > 0)
            throw new InputException(
                "the internal validation split needs at least 2 patients of each class (one to fit, one to evaluate), but " +
                string.Join(", ", lacking.Select(c => $"'{classNames[c]}' has {byClass[c].Count}")) + ".",
                "Add examples of that class, or merge it into another class in the label column.");

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
