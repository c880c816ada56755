using Harness.Core;
using Harness.Trainer;
using Harness.Trainer.Training;
using Harness.Validator;
using Spectre.Console;

namespace Harness.Cli.Rendering;

/// <summary>
/// Live progress for the long steps. On a terminal it is a progress bar; in CI logs and pipes
/// Spectre falls back to plain lines, so progress stays visible there too.
/// </summary>
internal sealed class ProgressViews(IAnsiConsole console) : ITrainingProgress, IValidationProgress
{
    private ProgressContext? _context;
    private ProgressTask? _task;
    private EpochRecord? _best;
    private string _site = "";
    private string _model = "";

    public T Run<T>(Func<T> work) =>
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                _context = context;
                T result = work();
                _task?.Value(_task.MaxValue); // early stopping ends a run before its epoch limit: still complete
                _task?.StopTask();
                return result;
            });

    public void DeviceChosen(DeviceChoice choice) =>
        console.MarkupLineInterpolated($"[bold]Device:[/] {choice.Used} [grey]({ConsoleText.Plain(choice.Reason)})[/]");

    public void ModelStarted(string name, int index, int count, int fitRows, int earlyStoppingRows, int evaluateRows, int maxEpochs)
    {
        _task?.Value(_task.MaxValue); // the previous model is done, early stopping or not
        _task?.StopTask();
        _best = null;
        _model = count > 1 ? $"{ConsoleText.Markup(name)} ({index}/{count})" : ConsoleText.Markup(name); // a task's description is markup
        if (earlyStoppingRows + evaluateRows == 0)
            console.MarkupLineInterpolated($"Model {index} of {count}, {name}: {fitRows} rows fitted for {maxEpochs} epochs");
        else
            console.MarkupLineInterpolated($"Model {index} of {count}, {name}: {fitRows} rows fitted, {earlyStoppingRows} watched by early stopping, {evaluateRows} held out for the development reference (whole patients, stratified)");
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

    public void SiteStarted(string site)
    {
        _task?.Value(_task.MaxValue); // the previous site is done
        _task?.StopTask();
        _site = ConsoleText.Markup(site); // a task's description is markup
        _task = _context!.AddTask($"Scoring {_site}", maxValue: 1);
        _task.IsIndeterminate = true;
    }

    public void RowsScored(long rowsSoFar)
    {
        if (_task is not null) _task.Description = $"Scoring {_site}: {rowsSoFar:N0} rows";
    }
}
