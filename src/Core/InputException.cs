namespace Harness.Core;

/// <summary>
/// Something the user gave Harness (a file, a folder, an option) is wrong. It reads as one line
/// in the style of a compiler diagnostic, <c>file:line:column: problem fix</c>, so the CLI can
/// print it as it is, exit 1 and show no stack trace.
/// </summary>
public sealed class InputException : Exception
{
    public InputException(string problem, string fix, string? file = null, long? line = null, int? column = null)
        : base(Format(problem, fix, file, line, column))
    {
        Problem = problem;
        Fix = fix;
        File = file;
        Line = line;
        Column = column;
    }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }

    /// <summary>What the user should do about it.</summary>
    public string Fix { get; }

    public string? File { get; }

    /// <summary>1-based line in <see cref="File"/>, where there is one.</summary>
    public long? Line { get; }

    /// <summary>1-based column (CSV field number) in <see cref="File"/>, where there is one.</summary>
    public int? Column { get; }

    private static string Format(string problem, string fix, string? file, long? line, int? column)
    {
        string location = file is null ? "" : file
            + (line is null ? "" : $":{line}")
            + (line is not null && column is not null ? $":{column}" : "")
            + ": ";
        // A quoted CSV cell may hold a line break, or megabytes: the diagnostic stays one readable line whatever it quotes.
        return $"{location}{Shortened(problem)} {fix}".TrimEnd().ReplaceLineEndings("\\n");
    }

    /// <summary>Longest problem text shown whole; a longer one (it quotes a huge value) keeps its start and end.</summary>
    public const int MaxProblemLength = 300;

    private static string Shortened(string problem)
    {
        if (problem.Length <= MaxProblemLength) return problem;
        int head = MaxProblemLength * 2 / 3, tail = MaxProblemLength / 5;
        return $"{problem[..head]}… [{problem.Length - head - tail:N0} characters left out] …{problem[^tail..]}";
    }
}
