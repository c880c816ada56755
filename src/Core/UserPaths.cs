using System.Runtime.InteropServices;

namespace Harness.Core;

/// <summary>
/// Files and folders the user names (--site, --model, --criteria, --out). A file Harness reads must
/// be a regular file: a FIFO blocks forever and a device such as /dev/zero never ends. The operating
/// system's refusals (permission denied, read-only file system, name too long, disk full) are input
/// errors naming the path and the reason, caught where Harness touches those paths; every other
/// exception stays a bug.
/// </summary>
public static class UserPaths
{
    /// <summary>Throws unless <paramref name="path"/>, which exists, is a regular file or a link to one.</summary>
    public static void RequireRegularFile(string path, string fix, string shown)
    {
        if (!IsRegularFile(path))
            throw new InputException("is not a regular file (a pipe, socket or device); Harness reads only ordinary files.", fix, shown);
    }

    /// <summary>Whether <paramref name="e"/> is the operating system refusing a file-system operation.</summary>
    public static bool IsRefusal(Exception e) => e is IOException or UnauthorizedAccessException;

    /// <summary>An input error for a refused operation: "<paramref name="problem"/> (permission denied). <paramref name="fix"/>".</summary>
    public static InputException Refused(string problem, Exception e, string fix, string shown) =>
        new($"{problem} ({Reason(e)}).", fix, shown);

    /// <summary>The operating system's reason, as strerror words it: "permission denied", "no space left on device".</summary>
    public static string Reason(Exception e)
    {
        string reason = e switch
        {
            UnauthorizedAccessException => "Permission denied",
            PathTooLongException => "File name too long",
            FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
            // On Unix, .NET keeps the errno of other failures as the HResult (28 = ENOSPC, 30 = EROFS, ...).
            IOException { HResult: > 0 and < 4096 } => Marshal.GetPInvokeErrorMessage(e.HResult),
            _ => e.Message.TrimEnd('.'),
        };
        return char.ToLowerInvariant(reason[0]) + reason[1..];
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="folder"/> or inside it, once links are resolved.</summary>
    public static bool IsSameOrInside(string path, string folder)
    {
        string inner = Resolve(path), outer = Resolve(folder);
        return inner == outer || inner.StartsWith(outer.EndsWith('/') ? outer : outer + "/", StringComparison.Ordinal);
    }

    /// <summary>The absolute path with every link resolved (realpath(3)), or just absolute where it does not exist.</summary>
    private static string Resolve(string path)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (!OperatingSystem.IsLinux()) return full;
        IntPtr resolved = RealPath(full, IntPtr.Zero);
        if (resolved == IntPtr.Zero) return full;
        try { return Marshal.PtrToStringUTF8(resolved) ?? full; }
        finally { Free(resolved); }
    }

    /// <summary>statx(2)'s file type, which no .NET API reports; true where it cannot be asked (not Linux).</summary>
    private static bool IsRegularFile(string path)
    {
        if (!OperatingSystem.IsLinux()) return true;
        const int AtCurrentFolder = -100, TypeOnly = 0x1, ModeOffset = 28, TypeMask = 0xF000, Regular = 0x8000;
        var buffer = new byte[256]; // struct statx, the same layout on every architecture
        if (StatX(AtCurrentFolder, path, 0, TypeOnly, buffer) != 0) return true; // let the open report it
        return (BitConverter.ToUInt16(buffer, ModeOffset) & TypeMask) == Regular;
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int StatX(int folder, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
    private static extern IntPtr RealPath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void Free(IntPtr pointer);
}
