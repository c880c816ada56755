using Harness.Trainer.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Trainer.Training;

/// <summary>
/// Where the examples of a set of rows come from, batch by batch, on the training device: for tabular
/// rows one tensor holding them all (a batch is an index_select, no host copy); for signals and images
/// the files, decoded for each batch (<see cref="TrainingData.ExampleRows"/>), so that no more than a
/// batch of them is ever in memory.
/// </summary>
internal sealed class ExampleSource : IDisposable
{
    private readonly TrainingData _data;
    private readonly int[] _rows;
    private readonly long[] _shape;
    private readonly Device _device;
    private readonly Tensor? _resident;
    private float[]? _buffer; // decoded files of one batch, reused

    public ExampleSource(TrainingData data, int[] rows, long[] exampleShape, Device device)
    {
        (_data, _rows, _shape, _device) = (data, rows, exampleShape, device);
        if (data.Input is null) _resident = tensor(data.ExampleRows(rows), [rows.Length, .. exampleShape]).to(device);
    }

    public int Count => _rows.Length;

    /// <summary>
    /// The examples at these positions of the rows (not row numbers), in that order; <paramref name="index"/>
    /// holds the same positions on the device (the caller selects the labels with it too). Decoded files go
    /// through one host buffer per batch size, so a batch allocates no managed memory for its values:
    /// a garbage collection during libtorch's work can finalise TorchSharp's temporary scalars under it.
    /// </summary>
    public Tensor Batch(long[] positions, Tensor index)
    {
        if (_resident is not null) return _resident.index_select(0, index);
        if (_buffer?.Length != positions.Length * _data.ExampleSize) _buffer = new float[positions.Length * _data.ExampleSize];
        _data.ExampleRows(positions.Select(p => _rows[p]).ToArray(), _buffer);
        using var host = tensor(_buffer, [positions.Length, .. _shape]);
        return _device.type == DeviceType.CPU ? host.clone() : host.to(_device);
    }

    /// <summary>
    /// The module's outputs for every example, in order: one forward over the resident tensor, or one
    /// per <see cref="TrainingData.LoadChunk"/> decoded examples, concatenated.
    /// </summary>
    public Tensor Forward(nn.Module<Tensor, Tensor> module)
    {
        if (_resident is not null) return module.forward(_resident);
        var parts = new List<Tensor>();
        for (int start = 0; start < Count; start += TrainingData.LoadChunk)
        {
            long[] positions = [.. Enumerable.Range(start, Math.Min(TrainingData.LoadChunk, Count - start)).Select(p => (long)p)];
            using var index = tensor(positions).to(_device);
            using var batch = Batch(positions, index);
            using var noCollection = NoCollection.Begin(wanted: true);
            parts.Add(module.forward(batch));
        }
        return cat(parts, 0);
    }

    public void Dispose() => _resident?.Dispose();
}
