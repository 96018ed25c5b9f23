using LeNet5.Onnx.Proto;

namespace LeNet5.Onnx.Tests;

/// <summary>What the importer refuses, and that each refusal is one line naming the file, the node and what is wrong.</summary>
public sealed class ImportRefusalTests
{
    [Fact]
    public void An_operator_it_does_not_translate_is_named_with_its_node()
        => AssertRefused(m => m.Node("/Tanh_1").OpType = "Elu",
            "model.onnx: node '/Tanh_1' (Elu) is an operator the importer does not translate (it takes Conv, Relu, Tanh, Sigmoid,");

    [Fact]
    public void Unequal_strides_are_refused()
        => AssertRefused(m => m.Node("/c1/Conv").SetInts("strides", 2, 1), "model.onnx: node '/c1/Conv' (Conv) has strides [2, 1];");

    [Fact]
    public void Dilations_are_refused()
        => AssertRefused(m => m.Node("/c3/Conv").SetInts("dilations", 2, 2), "node '/c3/Conv' (Conv) has dilations [2, 2];");

    [Fact]
    public void Groups_are_refused()
        => AssertRefused(m => m.Node("/c3/Conv").SetInt("group", 2), "node '/c3/Conv' (Conv) has group 2;");

    [Fact]
    public void Automatic_padding_is_refused()
        => AssertRefused(m => m.Node("/c1/Conv").SetString("auto_pad", "SAME_UPPER"), "node '/c1/Conv' (Conv) has auto_pad SAME_UPPER;");

    [Fact]
    public void Unequal_pads_are_refused()
        => AssertRefused(m => m.Node("/c1/Conv").SetInts("pads", 1, 1, 0, 0), "node '/c1/Conv' (Conv) has pads [1, 1, 0, 0];");

    [Fact]
    public void An_attribute_it_does_not_read_is_refused()
        => AssertRefused(m => m.Node("/f5/Gemm").SetInt("bias_shift", 3),
            "node '/f5/Gemm' (Gemm) has attribute 'bias_shift', which the importer does not translate (it takes alpha, beta, transA, transB)");

    [Fact]
    public void A_scaled_gemm_is_refused()
        => AssertRefused(m => m.Node("/f6/Gemm").SetFloat("alpha", 2), "node '/f6/Gemm' (Gemm) has alpha 2 and beta 1;");

    [Fact]
    public void A_pool_whose_stride_is_not_its_window_is_refused()
        => AssertRefused(m => m.Node("/AveragePool").SetInts("strides", 1, 1),
            "node '/AveragePool' (AveragePool) has a 2x2 window with stride 1; the generator's pools take stride = window");

    [Fact]
    public void A_pool_window_that_does_not_divide_the_map_is_refused()
        => AssertRefused(m =>
        {
            m.Node("/AveragePool_1").SetInts("kernel_shape", 3, 3);
            m.Node("/AveragePool_1").SetInts("strides", 3, 3);
        }, "node '/AveragePool_1' (AveragePool) has a 3x3 window that does not divide its 10x10 input");

    [Fact]
    public void A_branch_is_refused()
        => AssertRefused(m => m.Node("/c3/Conv").Input[0] = "/Tanh_output_0",
            "node '/c3/Conv' (Conv) reads '/Tanh_output_0', which is not the output of the node before it; the importer takes one chain of layers");

    [Fact]
    public void A_weight_computed_in_the_graph_is_refused()
        => AssertRefused(m => m.Node("/f5/Gemm").Input[1] = "/Flatten_output_0",
            "node '/f5/Gemm' (Gemm) has weight '/Flatten_output_0', which is computed in the graph; the importer takes weights that are initializers or Constant nodes");

    [Fact]
    public void A_weight_whose_data_does_not_fill_its_shape_is_refused()
        => AssertRefused(m => m.Graph.Initializer.Single(t => t.Name == "f5.weight").Dims[1] = 300,
            "model.onnx: initializer 'f5.weight' has 192000 bytes of data but its shape needs 144000");

    [Fact]
    public void A_weight_that_does_not_fit_the_input_is_refused()
        => AssertRefused(m =>
        {
            TensorProto weight = m.Graph.Initializer.Single(t => t.Name == "f5.weight");
            weight.Dims[1] = 300;
            weight.RawData = Google.Protobuf.ByteString.CopyFrom(weight.RawData.Span[..(120 * 300 * 4)]);
        }, "node '/f5/Gemm' (Gemm) has weight 'f5.weight' of shape [120, 300] for an input of 400 values");

    [Fact]
    public void A_reflecting_pad_is_refused()
        => AssertRefused(TestModels.Exported(), m => m.Node("pad").SetString("mode", "reflect"),
            "node 'pad' (Pad) has mode 'reflect'; the generator's pad layers fill a constant");

    [Fact]
    public void An_input_that_is_not_an_image_is_refused()
        => AssertRefused(m =>
        {
            var dims = m.Graph.Input[0].Type.TensorType.Shape.Dim;
            dims.RemoveAt(3);
            dims.RemoveAt(2);
        }, "model.onnx: input 'input' has shape [n, 1]; the importer takes images [batch, channels, height, width]");

    [Fact]
    public void An_activation_before_any_layer_is_refused()
        => AssertRefused(m =>
        {
            m.Graph.Node.Insert(0, new NodeProto { Name = "/Relu", OpType = "Relu", Input = { "input" }, Output = { "relu" } });
            m.Node("/c1/Conv").Input[0] = "relu";
        }, "node '/Relu' (Relu) comes before any layer");

    [Fact]
    public void A_file_that_is_not_onnx_is_refused()
    {
        var error = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import("{\"name\": \"LeNet5\"}"u8, "architecture.json"));
        Assert.StartsWith("architecture.json: not an ONNX model", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        using var folder = new TempFolder();
        string missing = folder.File("missing.onnx");
        var error = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(missing));
        Assert.Equal($"{missing}: ONNX model not found", error.Message);
    }

    private static void AssertRefused(Action<ModelProto> change, string expected) => AssertRefused(TestModels.PyTorchSeed(), change, expected);

    private static void AssertRefused(ModelProto model, Action<ModelProto> change, string expected)
    {
        change(model);
        var error = Assert.Throws<OnnxImportException>(() => model.Import());
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain("\n", error.Message);
        Assert.DoesNotContain("Exception", error.Message);
    }
}
