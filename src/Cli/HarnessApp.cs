using System.Runtime.InteropServices;
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
/// gets through, and the line stays one line. Built with HARNESS_VALIDATOR (src/ValidatorCli), it is
/// `harness-validator`: validate, report and verify only, without the Trainer and TorchSharp.
/// </summary>
public static class HarnessApp
{
#if HARNESS_VALIDATOR
    /// <summary>The program's name, as usage and error lines give it.</summary>
    public const string Name = "harness-validator";
#else
    /// <summary>The program's name, as usage and error lines give it.</summary>
    public const string Name = "harness";
#endif

    /// <summary>The signal that cancelled this run (Ctrl-C, SIGTERM, SIGHUP), for the exit code; null in-process.</summary>
    private static PosixSignal? _signal;

    /// <summary>Kept alive for the process's lifetime: a collected registration stops handling its signal.</summary>
    private static readonly List<PosixSignalRegistration> SignalHandlers = [];

    public static int Run(string[] args) => Run(args, AnsiConsole.Console, Console.Error, CancelOnSignals());

    public static int Run(string[] args, IAnsiConsole console, TextWriter errors, CancellationToken cancellation = default)
    {
        var registrar = new TypeRegistrar();
        registrar.RegisterInstance(typeof(IAnsiConsole), console);
        var app = new CommandApp(registrar);
        app.Configure(config =>
        {
            config.SetApplicationName(Name);
            config.ConfigureConsole(console);
            config.PropagateExceptions();
#if !HARNESS_VALIDATOR
            config.AddCommand<DemoCommand>("demo")
                .WithExample("demo");
            config.AddCommand<TrainCommand>("train")
                .WithExample("train", "--site", "sites/heart/cleveland", "--site", "sites/heart/hungary", "--positive-class", "disease", "--out", "runs/heart");
            config.AddCommand<SynthCommand>(SynthCommand.Name)
                .WithExample(SynthCommand.Name, "ecg", "--out", "synth/ecg", "--device-change", "2021")
                .WithExample(SynthCommand.Name, "image", "--out", "synth/images", "--shortcut")
                .WithExample(SynthCommand.Name, "tabular", "--out", "synth/heart", "--rows", "1000000", "--drift", "0.2");
#endif
            config.AddCommand<ValidateCommand>("validate")
                .WithExample("validate", "--model", "runs/heart/model.onnx", "--site", "sites/heart/switzerland", "--site", "sites/heart/va-long-beach", "--out", "runs/heart-validation")
                .WithExample("validate", "--model", "runs/heart/model.onnx", "--site", "DATED_SITE", "--from", "2015-01-01", "--to", "2020-12-31", "--by", "year", "--out", "runs/by-year");
            config.AddCommand<ReportCommand>("report")
                .WithExample("report", "--results", "runs/heart-validation/results.json", "--out", "report.pdf")
                .WithExample("report", "--results", "hospital-a/results.json", "--results", "hospital-b/results.json", "--out", "runs/merged");
            config.AddCommand<VerifyCommand>("verify")
                .WithExample("verify", "runs/heart-validation/report.pdf", "--model", "runs/heart/model.onnx", "--site", "sites/heart/switzerland");
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
            errors.WriteLine($"error: {ConsoleText.Plain(e.Message.TrimEnd('.'))}. See '{Name} {(args.Length > 0 ? ConsoleText.Plain(args[0]) + " " : "")}--help'.");
            return ExitCodes.InputError;
        }
        catch (OperationCanceledException)
        {
            var (what, code) = _signal switch
            {
                PosixSignal.SIGTERM => ("terminated (SIGTERM)", ExitCodes.Terminated),
                PosixSignal.SIGHUP => ("hung up (SIGHUP)", ExitCodes.HungUp),
                _ => ("cancelled", ExitCodes.Cancelled),
            };
            errors.WriteLine($"{what}: no output folder was created.");
            return code;
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
#if !HARNESS_VALIDATOR
        ["demo"] = typeof(DemoSettings),
        ["train"] = typeof(TrainSettings),
        [SynthCommand.Name] = typeof(SynthSettings),
#endif
        ["validate"] = typeof(ValidateSettings),
        ["report"] = typeof(ReportSettings),
        ["verify"] = typeof(VerifySettings),
    };

    /// <summary>
    /// Ctrl-C, SIGTERM and SIGHUP cancel the running step, whose staged outputs are then removed; the
    /// exit code says which (130, 143, 129). A second signal ends the process at once, as by default.
    /// </summary>
    private static CancellationToken CancelOnSignals()
    {
        var source = new CancellationTokenSource();
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
            SignalHandlers.Add(PosixSignalRegistration.Create(signal, context =>
            {
                if (source.IsCancellationRequested) return;
                context.Cancel = true;
                _signal = context.Signal;
                source.Cancel();
            }));
        return source.Token;
    }
}
