using Harness.Core;
using Harness.Validator;
using Spectre.Console;

namespace Harness.Cli.Rendering;

/// <summary>
/// Live progress for the long steps. On a terminal it is a progress bar; in CI logs and pipes
/// Spectre falls back to plain lines, so progress stays visible there too. Training's progress is
/// in ProgressViews.Training.cs, which the validation-only CLI (src/ValidatorCli) leaves out.
/// </summary>
internal sealed partial class ProgressViews(IAnsiConsole console) : IValidationProgress
{
    private readonly IAnsiConsole _console = console;
    private ProgressContext? _context;
    private ProgressTask? _task;
    private string _site = "";

    public T Run<T>(Func<T> work) =>
        _console.Progress()
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
        _console.MarkupLineInterpolated($"[bold]Device:[/] {choice.Used} [grey]({ConsoleText.Plain(choice.Reason)})[/]");

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
