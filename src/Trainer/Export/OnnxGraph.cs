using System.Runtime.InteropServices;
using Google.Protobuf;
using Harness.Core.ModelCards;
using Onnx;
using static TorchSharp.torch;

namespace Harness.Trainer.Export;

/// <summary>
/// A small ONNX graph builder: every value and node gets a unique name, initializers come from
/// tensors of any rank, attributes are typed, and each op is checked against the opset it needs,
/// so an emitter cannot write a node this model's opset would read differently.
/// </summary>
internal sealed class OnnxGraph(string name, string doc, int opset)
{
    /// <summary>The first opset in which each op Harness emits has the semantics Harness relies on.</summary>
    private static readonly Dictionary<string, int> RequiredOpset = new(StringComparer.Ordinal)
    {
        ["IsNaN"] = 9, ["Where"] = 9, ["Sub"] = 7, ["Div"] = 7, ["Mul"] = 7, ["Add"] = 7,
        ["Gemm"] = 7, ["Relu"] = 6, ["Identity"] = 1,
        ["Gather"] = 1, ["Cast"] = 6, ["Concat"] = 4,
        ["Equal"] = 11, // before 11, Equal compared only integers and booleans, not floats
        ["Softmax"] = 13, // before 13, Softmax flattened its input to 2-D around the axis
        ["Conv"] = 1, ["GlobalAveragePool"] = 1, ["Flatten"] = 1,
        ["BatchNormalization"] = 9, // before 9, per-channel statistics needed spatial = 1
        ["MaxPool"] = 10, // dilations and ceil_mode attributes
    };

    private const int Float = (int)TensorProto.Types.DataType.Float;
    private const int Int64 = (int)TensorProto.Types.DataType.Int64;

    private readonly GraphProto _graph = new() { Name = name, DocString = doc };
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public int Opset { get; } = opset;

    /// <summary>A float32 [batch, <paramref name="width"/>] graph input; returns its name.</summary>
    public string Input(string input, int width, string description) => Input(input, [width], description);

    /// <summary>A float32 [batch, ..<paramref name="exampleShape"/>] graph input (batch symbolic, the rest fixed); returns its name.</summary>
    public string Input(string input, long[] exampleShape, string description)
    {
        _graph.Input.Add(BatchTensor(Claim(input, exact: true), exampleShape, description));
        return input;
    }

    /// <summary>Declares the value <paramref name="output"/> a float32 [batch, <paramref name="width"/>] graph output.</summary>
    public void Output(string output, int width, string description) => Output(output, [width], description);

    /// <summary>Declares the value <paramref name="output"/> a float32 [batch, ..<paramref name="exampleShape"/>] graph output.</summary>
    public void Output(string output, long[] exampleShape, string description) => _graph.Output.Add(BatchTensor(output, exampleShape, description));

    /// <summary>
    /// An initializer holding <paramref name="value"/> (any rank, any device): int64 for an int64
    /// tensor (indices), float32 for anything else; returns its unique name.
    /// </summary>
    public string Constant(string wanted, Tensor value)
    {
        bool indices = value.dtype == ScalarType.Int64;
        using var cpu = value.detach().cpu().to_type(indices ? ScalarType.Int64 : ScalarType.Float32).contiguous();
        var bytes = indices ? ByteString.CopyFrom(MemoryMarshal.AsBytes(cpu.data<long>().ToArray().AsSpan()))
            : ByteString.CopyFrom(MemoryMarshal.AsBytes(cpu.data<float>().ToArray().AsSpan()));
        var proto = new TensorProto { Name = Claim(wanted), DataType = indices ? Int64 : Float, RawData = bytes };
        proto.Dims.AddRange(cpu.shape);
        _graph.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>Adds a node; its output is named <paramref name="output"/> (made unique); returns that name.</summary>
    public string Node(string op, IReadOnlyList<string> inputs, string output, params AttributeProto[] attributes)
    {
        if (!RequiredOpset.TryGetValue(op, out int required))
            throw new InvalidOperationException($"No opset requirement is recorded for ONNX op {op}: add it to {nameof(RequiredOpset)}.");
        if (required > Opset)
            throw new InvalidOperationException($"ONNX op {op} needs opset {required}; this model is opset {Opset}.");
        string value = Claim(output);
        var node = new NodeProto { OpType = op, Name = value + "_" + op.ToLowerInvariant() };
        node.Input.AddRange(inputs);
        node.Output.Add(value);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return value;
    }

    /// <summary>Gives the value a node produced a final name (a graph output's), before anything reads it.</summary>
    public void Rename(string value, string final)
    {
        var node = _graph.Node.LastOrDefault(n => n.Output.Contains(value))
            ?? throw new InvalidOperationException($"No node produces '{value}'.");
        if (_graph.Node.Any(n => n.Input.Contains(value))) throw new InvalidOperationException($"'{value}' is already read.");
        _names.Remove(value);
        node.Output[node.Output.IndexOf(value)] = Claim(final, exact: true);
    }

    public static AttributeProto Int(string attribute, long value) =>
        new() { Name = attribute, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto FloatAttribute(string attribute, float value) =>
        new() { Name = attribute, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string attribute, params long[] values)
    {
        var proto = new AttributeProto { Name = attribute, Type = AttributeProto.Types.AttributeType.Ints };
        proto.Ints.AddRange(values);
        return proto;
    }

    /// <summary>The model: this graph at this opset (IR version <see cref="ModelContract.IrVersion"/>).</summary>
    public ModelProto ToModel(string producerVersion, string doc)
    {
        var model = new ModelProto
        {
            IrVersion = ModelContract.IrVersion,
            ProducerName = "harness",
            ProducerVersion = producerVersion,
            Domain = "org.harness",
            ModelVersion = 1,
            DocString = doc,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model;
    }

    /// <summary>Reserves a name: <paramref name="wanted"/>, or wanted_2, wanted_3, ... when taken (an error when it must be exact).</summary>
    private string Claim(string wanted, bool exact = false)
    {
        string candidate = wanted;
        for (int n = 2; !_names.Add(candidate); n++)
        {
            if (exact) throw new InvalidOperationException($"The ONNX name '{wanted}' is taken.");
            candidate = $"{wanted}_{n}";
        }
        return candidate;
    }

    private static ValueInfoProto BatchTensor(string value, long[] exampleShape, string description)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (long size in exampleShape) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = size });
        return new ValueInfoProto
        {
            Name = value,
            DocString = description,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = Float, Shape = shape } },
        };
    }
}
