using System.Reflection;

namespace Harness.Core;

public static class HarnessInfo
{
    /// <summary>The product version, with the source commit when the build knew it (e.g. 0.1.0+3f2c1ab...).</summary>
    public static string Version { get; } =
        typeof(HarnessInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(HarnessInfo).Assembly.GetName().Version?.ToString() ?? "unknown";
}
