// Marks one symbol-version requirement of an ELF64 shared library as weak (VER_FLG_WEAK).
//
// Why: TorchSharp 0.107's libLibTorchSharp.so was linked by GCC 13 and so asks libstdc++ for
// version GLIBCXX_3.4.32, which GCC 12 runtimes (Debian 12) lack. The only symbol bound to
// that version is std::ios_base_library_init(), which GCC 13's <iostream> references but no
// relocation ever uses. A weak version need lets the dynamic loader accept a libstdc++ without
// it; on hosts that have it nothing changes. The edit flips one bit of one 16-bit field.
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory as the build task (see
// LibTorchSharpGlibcxx.targets), and by the test project (HARNESS_TESTS defined) so the patch
// logic itself is unit-tested.
using System;
using System.IO;
using System.Text;

public enum ElfPatchOutcome { Patched, AlreadyWeak, NotRequired }

public static class ElfVersionNeeds
{
    private const uint ShtGnuVerneed = 0x6ffffffe; // SHT_GNU_verneed: the .gnu.version_r section
    private const ushort VerFlgWeak = 0x2;

    /// <summary>Marks <paramref name="versionName"/> weak wherever the library needs it.</summary>
    public static ElfPatchOutcome MarkWeak(byte[] elf, string versionName)
    {
        var outcome = ElfPatchOutcome.NotRequired;
        foreach (var need in VersionNeeds(elf))
        {
            if (need.VersionName != versionName) continue;
            if (need.IsWeak)
            {
                if (outcome == ElfPatchOutcome.NotRequired) outcome = ElfPatchOutcome.AlreadyWeak;
                continue;
            }
            WriteU16(elf, need.FlagsOffset, (ushort)(need.Flags | VerFlgWeak));
            outcome = ElfPatchOutcome.Patched;
        }
        return outcome;
    }

    /// <summary>One Vernaux entry: a version that <see cref="File"/> must provide.</summary>
    /// <remarks>A plain class: MSBuild compiles this file against netstandard, which lacks records.</remarks>
    public sealed class VersionNeed
    {
        public VersionNeed(string file, string versionName, ushort flags, int flagsOffset)
        {
            File = file;
            VersionName = versionName;
            Flags = flags;
            FlagsOffset = flagsOffset;
        }

        public string File { get; }
        public string VersionName { get; }
        public ushort Flags { get; }

        /// <summary>Byte offset of the 16-bit vna_flags field in the file.</summary>
        public int FlagsOffset { get; }

        public bool IsWeak => (Flags & VerFlgWeak) != 0;
    }

    public static System.Collections.Generic.List<VersionNeed> VersionNeeds(byte[] elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("only little-endian ELF64 is supported");

        var needs = new System.Collections.Generic.List<VersionNeed>();
        long sectionTable = (long)ReadU64(elf, 0x28);
        int sectionSize = ReadU16(elf, 0x3a);
        int sectionCount = ReadU16(elf, 0x3c);
        for (int s = 0; s < sectionCount; s++)
        {
            long header = sectionTable + (long)s * sectionSize;
            if (ReadU32(elf, header + 4) != ShtGnuVerneed) continue;
            long offset = (long)ReadU64(elf, header + 0x18);
            uint linkedStrings = ReadU32(elf, header + 0x28);
            long strings = (long)ReadU64(elf, sectionTable + linkedStrings * sectionSize + 0x18);

            long verneed = offset;
            while (true)
            {
                int auxCount = ReadU16(elf, verneed + 2);
                string file = ReadString(elf, strings + ReadU32(elf, verneed + 4));
                long vernaux = verneed + ReadU32(elf, verneed + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    needs.Add(new VersionNeed(file, ReadString(elf, strings + ReadU32(elf, vernaux + 8)),
                        ReadU16(elf, vernaux + 4), checked((int)(vernaux + 4))));
                    uint nextAux = ReadU32(elf, vernaux + 12);
                    if (nextAux == 0) break;
                    vernaux += nextAux;
                }
                uint next = ReadU32(elf, verneed + 12);
                if (next == 0) break;
                verneed += next;
            }
        }
        return needs;
    }

    private static ushort ReadU16(byte[] b, long at) => (ushort)(b[at] | b[at + 1] << 8);
    private static uint ReadU32(byte[] b, long at) => (uint)(ReadU16(b, at) | ReadU16(b, at + 2) << 16);
    private static ulong ReadU64(byte[] b, long at) => ReadU32(b, at) | (ulong)ReadU32(b, at + 4) << 32;
    private static void WriteU16(byte[] b, long at, ushort value) { b[at] = (byte)value; b[at + 1] = (byte)(value >> 8); }

    private static string ReadString(byte[] b, long at)
    {
        long end = at;
        while (b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, (int)at, (int)(end - at));
    }
}

#if !HARNESS_TESTS
/// <summary>MSBuild task: patch each given library in place (via a temp file, never through a hard link).</summary>
public sealed class MarkElfVersionWeak : Microsoft.Build.Utilities.Task
{
    [Microsoft.Build.Framework.Required] public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();
    [Microsoft.Build.Framework.Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            string path = item.ItemSpec;
            byte[] bytes = File.ReadAllBytes(path);
            var outcome = ElfVersionNeeds.MarkWeak(bytes, VersionName);
            if (outcome == ElfPatchOutcome.Patched)
            {
                string temp = path + ".patching";
                File.WriteAllBytes(temp, bytes);
                File.Delete(path); // unlinks rather than writes through a hard link into the NuGet cache
                File.Move(temp, path);
            }
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                $"{path}: {VersionName} need {outcome}");
        }
        return !Log.HasLoggedErrors;
    }
}
#endif
