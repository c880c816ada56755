namespace Harness.Tests.Support;

/// <summary>
/// Tests that load libtorch or ONNX Runtime, or train, run one at a time: the native libraries
/// use every core already, and parallel native start-up only adds noise. They share one trained
/// heart model (<see cref="HeartModelFixture"/>).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeCollection : ICollectionFixture<HeartModelFixture>
{
    public const string Name = "native";
}
