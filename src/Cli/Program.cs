return Harness.Cli.HarnessApp.Run(args);
