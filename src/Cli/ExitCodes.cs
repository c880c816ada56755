namespace Harness.Cli;

/// <summary>What `harness` returns. Documented in README.md; scripts and CI depend on them.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Bad input or usage: a message names the file, line/column or option and the fix.</summary>
    public const int InputError = 1;

    /// <summary>Reserved: validation ran but the model failed its acceptance criteria (gates are a later stage).</summary>
    public const int CriteriaFailed = 3;

    /// <summary>A bug in Harness (EX_SOFTWARE): the message and stack trace are printed for a report.</summary>
    public const int InternalError = 70;

    /// <summary>Interrupted with Ctrl-C (128 + SIGINT).</summary>
    public const int Cancelled = 130;
}
