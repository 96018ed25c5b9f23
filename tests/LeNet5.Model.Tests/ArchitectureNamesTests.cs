using System.Text.Json;
using LeNet5.Runtime;

namespace LeNet5.Model.Tests;

/// <summary>The names of layer kinds and activations: one per member, read back by the parser, and the schema's.</summary>
public sealed class ArchitectureNamesTests
{
    [Fact]
    public void Every_layer_kind_an_architecture_file_names_parses_back_and_sparse_conv2d_is_written_conv2d()
    {
        foreach (LayerKind kind in Enum.GetValues<LayerKind>())
        {
            bool parsed = LayerKinds.TryParse(LayerKinds.Name(kind), out LayerKind back);
            Assert.Equal(kind != LayerKind.SparseConv2d, parsed);
            if (parsed) Assert.Equal(kind, back);
        }
        Assert.Equal("sparse_conv2d", LayerKinds.Name(LayerKind.SparseConv2d));
        Assert.False(LayerKinds.TryParse("Conv2d", out _));
    }

    [Fact]
    public void Every_activation_parses_back()
    {
        foreach (ActivationKind activation in Enum.GetValues<ActivationKind>())
        {
            Assert.True(Activations.TryParse(Activations.Name(activation), out ActivationKind back));
            Assert.Equal(activation, back);
        }
        Assert.False(Activations.TryParse("gelu", out _));
    }

    [Fact]
    public void The_architecture_schema_lists_the_names_the_parser_reads()
    {
        using JsonDocument schema = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.Architecture("architecture.schema.json")));
        JsonElement definitions = schema.RootElement.GetProperty("$defs");
        string[] Names(JsonElement element) => [.. element.GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).Order()];
        Assert.Equal(
            [.. Enum.GetValues<LayerKind>().Where(k => k != LayerKind.SparseConv2d).Select(LayerKinds.Name).Order()],
            Names(definitions.GetProperty("layer").GetProperty("properties").GetProperty("kind")));
        Assert.Equal([.. Enum.GetValues<ActivationKind>().Select(Activations.Name).Order()], Names(definitions.GetProperty("activation")));
    }
}
