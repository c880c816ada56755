namespace Harness.Core.Metrics;

/// <summary>Patients numbered 0..K-1 in order of first appearance: what <see cref="ScoredExamples.Clusters"/> holds.</summary>
public sealed class PatientIndex
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    /// <summary>The patient's number, given on first sight.</summary>
    public int Of(string patient) => _index.TryGetValue(patient, out int index) ? index : _index[patient] = _index.Count;

    /// <summary>Each row's patient number.</summary>
    public static int[] Number(IEnumerable<string> patients)
    {
        var index = new PatientIndex();
        return patients.Select(index.Of).ToArray();
    }
}
