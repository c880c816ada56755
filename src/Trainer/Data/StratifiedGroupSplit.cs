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

    public static Split Create(int[] labels, string[] groups, int classCount, double fraction, int seed)
    {
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
