using Harness.Cli.Commands;
using Harness.Cli.Infrastructure;
using Harness.Cli.Rendering;
using Harness.Core;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Harness.Cli;

/// <summary>
/// The `harness` command line. Output goes to the injected console; errors go unwrapped to the
/// error writer as one line with an exit code (see <see cref="ExitCodes"/>), never a stack trace
/// for the user's mistakes. Messages quote user input (paths, cells, names), so their control
/// characters are shown as escapes (<see cref="ConsoleText.Plain"/>): no terminal escape sequence
/// gets through, and the line stays one line.
/// </summary>
public static class HarnessApp
{
    public static int Run(string[] args) => Run(args, AnsiConsole.Console, Console.Error, CancelOnCtrlC());

    public static int Run(string[] args, IAnsiConsole console, TextWriter errors, CancellationToken cancellation = default)
    {
        var registrar = new TypeRegistrar();
        registrar.RegisterInstance(typeof(IAnsiConsole), console);
        var app = new CommandApp(registrar);
        app.Configure(config =>
        {
            config.SetApplicationName("harness");
            config.ConfigureConsole(console);
            config.PropagateExceptions();
            config.AddCommand<DemoCommand>("demo")
                .WithExample("demo");
            config.AddCommand<TrainCommand>("train")
                .WithExample("train", "--site", "sites/heart/cleveland", "--site", "sites/heart/hungary", "--positive-class", "disease", "--out", "runs/heart");
            config.AddCommand<ValidateCommand>("validate")
                .WithExample("validate", "--model", "runs/heart/model.onnx", "--site", "sites/heart/switzerland", "--site", "sites/heart/va-long-beach", "--out", "runs/heart-validation");
        });

        try
        {
            CommandLineCheck.Check(args, SettingsOf);
            return app.Run(args, cancellation);
        }
        catch (InputException e)
        {
            errors.WriteLine($"error: {ConsoleText.Plain(e.Message)}");
            return ExitCodes.InputError;
        }
        catch (CommandAppException e)
        {
            errors.WriteLine($"error: {ConsoleText.Plain(e.Message.TrimEnd('.'))}. See 'harness {(args.Length > 0 ? ConsoleText.Plain(args[0]) + " " : "")}--help'.");
            return ExitCodes.InputError;
        }
        catch (OperationCanceledException)
        {
            errors.WriteLine("cancelled: no output folder was created.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            errors.WriteLine("internal error (a bug in Harness; please report it with this output): " +
                string.Join('\n', e.ToString().Split('\n').Select(ConsoleText.Plain)));
            return ExitCodes.InternalError;
        }
    }

    /// <summary>Each command's settings, whose declared options <see cref="CommandLineCheck"/> checks the command line against.</summary>
    private static readonly Dictionary<string, Type> SettingsOf = new()
    {
        ["demo"] = typeof(DemoSettings),
        ["train"] = typeof(TrainSettings),
        ["validate"] = typeof(ValidateSettings),
    };

    /// <summary>Ctrl-C cancels the running step, whose staged outputs are then removed.</summary>
    private static CancellationToken CancelOnCtrlC()
    {
        var source = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            source.Cancel();
        };
        return source.Token;
    }
}
