using System.Runtime.InteropServices;
using Harness.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.Build;

/// <summary>
/// TorchSharp 0.107's libLibTorchSharp.so needs GLIBCXX_3.4.32, which Debian 12 lacks; the build
/// marks that one need weak in its output (build/LibTorchSharpGlibcxx.targets). These tests pin
/// what the build did to the library and that TorchSharp then loads and computes.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class LibTorchSharpLoadingTests
{
    private const string Version = "GLIBCXX_3.4.32";

    private static string BuiltLibrary => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static string PackagedLibrary
    {
        get
        {
            string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            return Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        }
    }

    [Fact]
    public void Built_library_differs_from_the_package_only_by_the_weak_flag_of_GLIBCXX_3_4_32()
    {
        // Given the library as NuGet ships it and as the build left it
        byte[] original = File.ReadAllBytes(PackagedLibrary);
        byte[] built = File.ReadAllBytes(BuiltLibrary);

        // When comparing them byte by byte
        var differences = Enumerable.Range(0, original.Length).Where(i => original[i] != built[i]).ToList();

        // Then the only change is bit 0x2 (VER_FLG_WEAK) of that one Vernaux entry's 16-bit flags
        Assert.Equal(original.Length, built.Length);
        var need = ElfVersionNeeds.VersionNeeds(original).Single(n => n.VersionName == Version);
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.False(need.IsWeak);
        Assert.Equal([need.FlagsOffset], differences);
        Assert.Equal(original[need.FlagsOffset] | 0x2, built[need.FlagsOffset]);
    }

    [Fact]
    public void Every_other_version_need_is_left_strong()
    {
        var needs = ElfVersionNeeds.VersionNeeds(File.ReadAllBytes(BuiltLibrary));

        Assert.Contains(needs, n => n.VersionName == "GLIBCXX_3.4.30" && !n.IsWeak);
        Assert.All(needs.Where(n => n.VersionName != Version), n => Assert.False(n.IsWeak, n.VersionName));
        Assert.True(needs.Single(n => n.VersionName == Version).IsWeak);
    }

    [Fact]
    public void Patching_is_idempotent_and_ignores_libraries_without_the_need()
    {
        byte[] bytes = File.ReadAllBytes(PackagedLibrary);

        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionNeeds.MarkWeak(bytes, Version));
        byte[] once = (byte[])bytes.Clone();
        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionNeeds.MarkWeak(bytes, Version));
        Assert.Equal(once, bytes);
        Assert.Equal(ElfPatchOutcome.NotRequired, ElfVersionNeeds.MarkWeak(bytes, "GLIBCXX_9.9.99"));
        Assert.Equal(once, bytes);
    }

    [ToolFact("readelf")]
    public void Library_the_loader_reads_cross_checked_with_readelf()
    {
        var (exit, output) = ExternalTools.Run("readelf", "-V", BuiltLibrary);

        Assert.Equal(0, exit);
        Assert.Contains($"Name: {Version}  Flags: WEAK", output);
    }

    [Fact]
    public void TorchSharp_loads_and_multiplies_matrices()
    {
        // Given [[1, 2], [3, 4]] squared by hand: [[1*1+2*3, 1*2+2*4], [3*1+4*3, 3*2+4*4]] = [[7, 10], [15, 22]]
        using var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);

        // When TorchSharp computes it through libtorch
        using var product = a.matmul(a);

        // Then the native result is exact (small integers are exact in float32)
        Assert.Equal([7f, 10f, 15f, 22f], product.data<float>().ToArray());
        Assert.True(RuntimeInformation.IsOSPlatform(OSPlatform.Linux));
    }

    [Fact]
    public void TorchSharp_autograd_gives_the_closed_form_gradient()
    {
        // d/dx sum(x^3) = 3x^2
        using var x = tensor(new float[] { -2f, 0.5f, 3f }, requires_grad: true);
        using var y = x.pow(3).sum();
        y.backward();

        var expected = new[] { 12f, 0.75f, 27f };
        var actual = x.grad!.data<float>().ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], actual[i], 1e-5f);
    }
}
