using Harness.Trainer;

namespace Harness.Tests.Support;

/// <summary>
/// One model trained on the bundled Cleveland + Hungary sites, shared by the tests of the
/// native collection (training takes about a second; doing it once keeps the suite quick).
/// </summary>
public sealed class HeartModelFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public HeartModelFixture()
    {
        Outcome = TrainingRun.Run([RepoPaths.Sites("heart", "cleveland"), RepoPaths.Sites("heart", "hungary")],
            new TrainingOptions { PositiveClass = "disease", Device = Harness.Core.DeviceRequest.Cpu });
        Outcome.WriteTo(_folder.Path);
    }

    public TrainingOutcome Outcome { get; }
    public string Folder => _folder.Path;
    public string ModelPath => Path.Combine(_folder.Path, TrainingOutcome.ModelFileName);
    public string TrainingJsonPath => Path.Combine(_folder.Path, TrainingOutcome.ReportFileName);

    public void Dispose()
    {
        Outcome.Dispose();
        _folder.Dispose();
    }
}
