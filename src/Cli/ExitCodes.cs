using Harness.Results;

namespace Harness.Cli;

/// <summary>What `harness` returns. Documented in README.md; scripts and CI depend on them.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Bad input or usage: a message names the file, line/column or option and the fix.</summary>
    public const int InputError = 1;

    /// <summary>Validation ran and at least one acceptance rule failed: its whole interval misses the rule.</summary>
    public const int CriteriaFailed = 3;

    /// <summary>Validation ran; no acceptance rule failed, but at least one was inconclusive (its interval straddles the bound, or the site is too small).</summary>
    public const int CriteriaInconclusive = 4;

    /// <summary>harness verify: a file differs from the one the report validated (its SHA-256 does not match).</summary>
    public const int VerifyFailed = 5;

    /// <summary>A bug in Harness (EX_SOFTWARE): the message and stack trace are printed for a report.</summary>
    public const int InternalError = 70;

    /// <summary>Hung up (128 + SIGHUP): the terminal closed; cleaned up like Ctrl-C.</summary>
    public const int HungUp = 129;

    /// <summary>Interrupted with Ctrl-C (128 + SIGINT).</summary>
    public const int Cancelled = 130;

    /// <summary>Terminated (128 + SIGTERM), by kill, a scheduler or a container stop; cleaned up like Ctrl-C.</summary>
    public const int Terminated = 143;

    /// <summary>The exit code of a validation that ran: success without criteria, else by the overall verdict.</summary>
    public static int Of(CriteriaOutcome? criteria) => criteria?.Overall switch
    {
        Verdict.Fail => CriteriaFailed,
        Verdict.Inconclusive => CriteriaInconclusive,
        _ => Success,
    };
}
