using System.Globalization;
using System.Text;

namespace Harness.Core;

/// <summary>
/// User text (site, class and feature names, paths, cells) as it may be shown on a terminal or a
/// page: each control character (C0, DEL and C1; ESC starts a terminal escape sequence) becomes a
/// visible escape, \t, \n, \r or \xHH (\x1B for ESC). Nothing else changes.
/// </summary>
public static class VisibleText
{
    public static string Of(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var visible = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            visible.Append(c switch
            {
                '\t' => "\\t",
                '\n' => "\\n",
                '\r' => "\\r",
                _ when char.IsControl(c) => "\\x" + ((int)c).ToString("X2", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }
        return visible.ToString();
    }
}
