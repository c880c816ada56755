using Spectre.Console.Cli;

namespace Harness.Cli;

public static class HarnessApp
{
    public static int Run(string[] args)
    {
        var app = new CommandApp();
        app.Configure(config => config.SetApplicationName("harness"));
        return app.Run(args);
    }
}
