using Harness.Tests.Support;

namespace Harness.Tests.Metrics;

/// <summary>Tests of Scripts/check_onnx.py itself, on small models built here with onnx.helper.</summary>
public class CheckOnnxScriptTests
{
    /// <summary>Writes a 3-feature, 2-class logistic model (MatMul + Add + Softmax); with broken = true its MatMul reads an undefined tensor.</summary>
    private const string MakeModel = """
        import sys, numpy as np, onnx
        from onnx import helper, numpy_helper, TensorProto
        path, broken = sys.argv[1], sys.argv[2] == "broken"
        W = numpy_helper.from_array(np.ones((3, 2), dtype=np.float32), "W")
        B = numpy_helper.from_array(np.zeros((2,), dtype=np.float32), "B")
        nodes = [
            helper.make_node("MatMul", ["nowhere" if broken else "features", "W"], ["logits0"]),
            helper.make_node("Add", ["logits0", "B"], ["logits"]),
            helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
        ]
        graph = helper.make_graph(nodes, "logistic",
            [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", 3])],
            [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", 2])],
            [W, B])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        helper.set_model_props(model, {"harness.card": "{}"})
        onnx.save(model, path)
        """;

    private static string Write(TempFolder temp, bool broken)
    {
        string path = temp.Combine(broken ? "broken.onnx" : "model.onnx");
        var (exit, output) = ExternalTools.Run(ExternalTools.Python!, "-c", MakeModel, path, broken ? "broken" : "ok");
        Assert.True(exit == 0, output);
        return path;
    }

    [PythonFact("onnx", "numpy")]
    public void Accepts_a_valid_model_and_describes_it()
    {
        // Given a valid model
        using var temp = new TempFolder();
        string path = Write(temp, broken: false);

        // When checked
        var (exit, output) = IndependentChecks.CheckOnnx(path);

        // Then it passes and prints the IR version, opset, inputs, outputs and metadata keys
        Assert.True(exit == 0, output);
        Assert.Contains("ir_version: 8", output);
        Assert.Contains("ai.onnx=17", output);
        Assert.Contains("input  features: tensor(FLOAT) [batch, 3]", output);
        Assert.Contains("output probabilities: tensor(FLOAT) [batch, 2]", output);
        Assert.Contains("harness.card", output);
    }

    [PythonFact("onnx", "numpy")]
    public void Rejects_a_model_whose_node_reads_an_undefined_tensor()
    {
        // Given a model whose MatMul reads a tensor nothing produces
        using var temp = new TempFolder();
        string path = Write(temp, broken: true);

        // When / Then the checker fails
        var (exit, output) = IndependentChecks.CheckOnnx(path);
        Assert.True(exit == 1, output);
        Assert.Contains("INVALID", output);
    }

    [PythonFact("onnx")]
    public void Rejects_a_file_that_is_not_a_model()
    {
        // Given bytes that are not a protobuf ModelProto
        using var temp = new TempFolder();
        string path = temp.Combine("garbage.onnx");
        File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x02, 0x03]);

        // When / Then
        var (exit, output) = IndependentChecks.CheckOnnx(path);
        Assert.True(exit == 1, output);
    }

    [PythonFact("onnx")]
    public void Rejects_a_missing_file_and_bad_usage()
    {
        using var temp = new TempFolder();
        var missing = IndependentChecks.CheckOnnx(temp.Combine("none.onnx"));
        var noArgs = ExternalTools.Run(ExternalTools.Python!, RepoPaths.Script(IndependentChecks.CheckOnnxScript));
        Assert.True(missing.ExitCode == 1, missing.Output);
        Assert.True(noArgs.ExitCode == 2, noArgs.Output);
    }
}
