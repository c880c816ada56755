using Harness.Core;

namespace Harness.Cli.Rendering;

/// <summary>
/// User-supplied text (site, class and feature names, paths, criteria, messages that quote them)
/// on its way to the terminal: control characters are shown as escapes (<see cref="VisibleText"/>)
/// and markup brackets are escaped for Spectre.Console, so a name can neither drive the terminal
/// nor break the markup after a whole run.
/// </summary>
internal static class ConsoleText
{
    /// <summary>The text with each control character as an escape: \t, \n, \r, else \xHH (\x1B for ESC).</summary>
    public static string Plain(string text) => VisibleText.Of(text);

    /// <summary>The text made <see cref="Plain"/>, to place inside Spectre markup.</summary>
    public static string Markup(string text) => Spectre.Console.Markup.Escape(Plain(text));
}
