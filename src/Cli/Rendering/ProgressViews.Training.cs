using Harness.Trainer;
using Harness.Trainer.Training;
using Spectre.Console;

namespace Harness.Cli.Rendering;

/// <summary>Training's progress: one bar per model, its epochs and losses. Not in the validation-only CLI.</summary>
internal sealed partial class ProgressViews : ITrainingProgress
{
    private EpochRecord? _best;
    private string _model = "";

    public void ModelStarted(string name, int index, int count, int fitRows, int earlyStoppingRows, int evaluateRows, int maxEpochs)
    {
        _task?.Value(_task.MaxValue); // the previous model is done, early stopping or not
        _task?.StopTask();
        _best = null;
        _model = count > 1 ? $"{ConsoleText.Markup(name)} ({index}/{count})" : ConsoleText.Markup(name); // a task's description is markup
        if (earlyStoppingRows + evaluateRows == 0)
            _console.MarkupLineInterpolated($"Model {index} of {count}, {name}: {fitRows} rows fitted for {maxEpochs} epochs");
        else
            _console.MarkupLineInterpolated($"Model {index} of {count}, {name}: {fitRows} rows fitted, {earlyStoppingRows} watched by early stopping, {evaluateRows} held out for the development reference (whole patients, stratified)");
        _task = _context!.AddTask(_model, maxValue: maxEpochs);
    }

    public void EpochDone(EpochRecord epoch)
    {
        if (epoch.Improved) _best = epoch;
        _task!.Increment(1);
        _task.Description = epoch.ValidationLoss is { } validation
            ? $"{_model} epoch {epoch.Epoch}: train {epoch.TrainLoss:0.0000}, validation {validation:0.0000}{(epoch.ValidationAuroc is { } auroc ? $", AUROC {auroc:0.000}" : "")}, best epoch {_best?.Epoch}"
            : $"{_model} epoch {epoch.Epoch}: train {epoch.TrainLoss:0.0000}";
    }
}
