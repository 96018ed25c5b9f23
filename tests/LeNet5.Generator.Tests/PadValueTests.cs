namespace LeNet5.Generator.Tests;

/// <summary>
/// The border a pad layer writes: its <c>value</c>, else on the image the image's background through the input scaling
/// (what PyTorch replications pad the normalized image with), else 0 on feature maps (as convolution padding).
/// </summary>
public sealed class PadValueTests
{
    [Fact]
    public void A_pad_on_the_image_pads_with_the_normalized_background()
    {
        string source = Generate(Layers("""{ "name": "pad", "kind": "pad", "padding": 2 }"""));
        // (0 - 0.1307) / 0.3081 in float arithmetic: the value the runtime gives a background pixel (1 ulp from the double's rounding).
        Assert.Equal(-0.42421296f, LeNet5.Runtime.InputScaling.Standardized.Scale(0));
        Assert.Contains("public const float PadValue = -0.42421296f;", source);
        Assert.Contains("new Span<float>(output, PadOutputSize).Fill(PadValue);", source);
    }

    [Fact]
    public void The_background_follows_the_declared_input_scale()
    {
        string source = Generate(Layers("""{ "name": "pad", "kind": "pad", "padding": 2 }""", scale: "[-0.1, 1.175]"));
        Assert.Contains("public const float PadValue = -0.1f;", source);
    }

    [Fact]
    public void Pads_in_a_row_on_the_image_all_pad_with_the_background()
    {
        string source = Generate(Layers(
            """{ "name": "first", "kind": "pad", "padding": 1 }, { "name": "second", "kind": "pad", "padding": 1 }"""));
        Assert.Contains("public const float FirstValue = -0.42421296f;", source);
        Assert.Contains("public const float SecondValue = -0.42421296f;", source);
    }

    [Fact]
    public void A_pad_on_feature_maps_pads_with_zero()
    {
        string source = Generate(Layers(
            """{ "name": "conv", "kind": "conv2d", "filters": 2, "kernel": 3 }, { "name": "pad", "kind": "pad", "padding": 1 }"""));
        Assert.Contains("public const float PadValue = 0.0f;", source);
        Assert.Contains("new Span<float>(output, PadOutputSize).Clear();", source);
    }

    [Fact]
    public void A_given_value_wins_even_zero()
    {
        string source = Generate(Layers("""{ "name": "pad", "kind": "pad", "padding": 2, "value": 0 }"""));
        Assert.Contains("public const float PadValue = 0.0f;", source);
        Assert.Contains("PadValue: 0.0f", source);
    }

    /// <summary>An 8x8 network whose first layers are <paramref name="first"/>, then a dense output.</summary>
    private static string Layers(string first, string? scale = null) => $$"""
        {
          "name": "Padded",
          "input": { "channels": 1, "height": 8, "width": 8{{(scale is null ? "" : ", \"scale\": " + scale)}} },
          "classes": 3,
          "layers": [
            {{first}},
            { "name": "out", "kind": "dense", "units": 3 }
          ]
        }
        """;

    private static string Generate(string json) => SnapshotTests.GenerateAndCompile(json, "architecture.json", "PaddedNetwork.g.cs");
}
