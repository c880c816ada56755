using System.Runtime.InteropServices;

namespace Harness.Tests.Support;

/// <summary>The few POSIX calls the output-folder tests need and .NET does not offer: signals, FIFOs, the user id.</summary>
public static class Posix
{
    public const int SIGHUP = 1, SIGKILL = 9, SIGTERM = 15;

    public static bool IsRoot => OperatingSystem.IsLinux() && GetEffectiveUserId() == 0;

    public static void Signal(int pid, int signal)
    {
        if (Kill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public static void MakeFifo(string path)
    {
        if (MkFifo(path, 0b110_100_100) != 0) throw new InvalidOperationException($"mkfifo({path}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>
    /// Ends a read blocked on an empty FIFO by opening and closing its write end (non-blocking, so
    /// nothing waits where no one reads). Returns whether a reader was there.
    /// </summary>
    public static bool ReleaseFifoReader(string path)
    {
        const int WriteOnly = 0x1, NonBlocking = 0x800;
        int fd = Open(path, WriteOnly | NonBlocking);
        if (fd < 0) return false;
        Close(fd);
        return true;
    }

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MkFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}

/// <summary>Skips where the tests run as root, whom file permissions do not stop (chmod 000 still reads).</summary>
public sealed class NotRootFactAttribute : FactAttribute
{
    public NotRootFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "POSIX permissions are tested on Linux";
        else if (Posix.IsRoot) Skip = "running as root, whom file permissions do not stop";
    }
}

/// <summary>Runs only where a small tmpfs can be mounted (root with CAP_SYS_ADMIN): a full or read-only file system on demand.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (Tmpfs.Unavailable is { } reason) Skip = reason;
    }
}

/// <summary>A tmpfs mounted on a fresh folder (mount -t tmpfs -o OPTIONS), unmounted and removed on dispose.</summary>
public sealed class Tmpfs : IDisposable
{
    private static readonly Lazy<string?> Probe = new(() =>
    {
        if (!OperatingSystem.IsLinux() || !Posix.IsRoot) return "mounting a tmpfs needs root on Linux";
        if (ExternalTools.Find("mount") is null || ExternalTools.Find("umount") is null) return "'mount' is not installed";
        try
        {
            using var probe = new Tmpfs("size=64k");
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    });

    public Tmpfs(string options)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "harness-tmpfs-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
        var (exit, output) = ExternalTools.Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", Path);
        if (exit != 0)
        {
            Directory.Delete(Path);
            throw new InvalidOperationException($"cannot mount a tmpfs here: {output.Trim()}");
        }
    }

    /// <summary>Why no tmpfs can be mounted here, or null.</summary>
    public static string? Unavailable => Probe.Value;

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        ExternalTools.Run("umount", Path);
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
