using Harness.Cli;
using Spectre.Console;

namespace Harness.Tests.Support;

/// <summary>Runs `harness` in-process with a non-interactive console, capturing what it prints.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Errors)
    {
        public string[] ErrorLines => Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 100;
        int exit = HarnessApp.Run(args, console, errors);
        return new Result(exit, output.ToString(), errors.ToString());
    }
}
