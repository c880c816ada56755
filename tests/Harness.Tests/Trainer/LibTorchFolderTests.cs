using Harness.Core;
using Harness.Trainer.Training;
using Xunit;

namespace Harness.Tests.Trainer;

public class LibTorchFolderTests
{
    [Fact]
    public void A_folder_without_libtorch_is_refused_naming_the_variable()
    {
        string empty = Directory.CreateTempSubdirectory("harness-libtorch-").FullName;
        try
        {
            var e = Assert.Throws<InputException>(() => LibTorchFolder.Load(empty));
            Assert.Contains("HARNESS_LIBTORCH_DIR", e.Message);
            Assert.Contains("libtorch_cpu.so", e.Message);
        }
        finally { Directory.Delete(empty); }
    }

    [Fact]
    public void The_libtorch_beside_the_tests_loads_and_trains()
    {
        // The same files TorchSharp uses here, by path: loading them again returns the same handles.
        string folder = Path.GetDirectoryName(Directory.EnumerateFiles(AppContext.BaseDirectory, "libtorch_cpu.so", SearchOption.AllDirectories).First())!;
        Assert.Equal(folder, LibTorchFolder.Load(folder));
        using var sum = TorchSharp.torch.ones(3).sum();
        Assert.Equal(3f, sum.item<float>());
    }
}
