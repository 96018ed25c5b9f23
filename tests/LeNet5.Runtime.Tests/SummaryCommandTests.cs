using System.Globalization;
using System.Text.RegularExpressions;
using LeNet5.Cli;
using LeNet5.Model;

namespace LeNet5.Runtime.Tests;

/// <summary>
/// <c>summary</c>, its counts checked by hand: the seed network's against its shapes, the paper network's against the
/// parameters and connections LeCun et al. (1998) give for each layer.
/// </summary>
public sealed class SummaryCommandTests
{
    /// <summary>A layer row: name, kind, output, activation, params, connections, mult-adds ("-" for none).</summary>
    private sealed record Row(string Layer, string Kind, string Output, string Activation, long Parameters, long Connections, long MultiplyAdds);

    private static readonly Regex RowPattern = new(
        @"^(?<layer>\S+)\s+(?<kind>\S+(?: \S+)*?)\s{2,}(?<output>\d+x\d+x\d+)\s+(?<activation>\S+)\s+(?<params>[\d,-]+)\s+(?<connections>[\d,-]+)\s+(?<macs>[\d,-]+)$",
        RegexOptions.Multiline);

    private static Dictionary<string, Row> Rows(string text) => RowPattern.Matches(text).Select(m => new Row(
        m.Groups["layer"].Value, m.Groups["kind"].Value, m.Groups["output"].Value, m.Groups["activation"].Value,
        Number(m.Groups["params"].Value), Number(m.Groups["connections"].Value), Number(m.Groups["macs"].Value))).ToDictionary(r => r.Layer);

    private static long Number(string text) => text == "-" ? 0 : long.Parse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    private static string Summary(params string[] args)
    {
        var run = Lenet5Console.Capture(args);
        Assert.True(run.Code == 0, run.Error);
        Assert.Empty(run.Error);
        EvaluateCommandTests.AssertWithin80Columns(run.Out);
        return run.Out;
    }

    [Fact]
    public void Seed_network_counts_match_a_hand_count()
    {
        string text = Summary("summary");
        Dictionary<string, Row> rows = Rows(text);
        Assert.Equal(["pad", "c1", "s2", "c3", "s4", "f5", "f6", "output"], rows.Keys);

        // Parameters: weights plus one bias per filter or unit. Multiply-adds: one per weight per output position.
        // The pad writes the image's background, what pixel 0 becomes.
        Assert.Equal(new Row("pad", "pad 2 (-0.4242)", "1x32x32", "none", 0, 0, 0), rows["pad"]);
        Assert.Equal(new Row("c1", "conv2d 5x5", "6x28x28", "tanh", 6 * 25 + 6, (6 * 25 + 6) * 28 * 28, 6 * 25 * 28 * 28), rows["c1"]);
        Assert.Equal(new Row("s2", "avgpool2d 2x2", "6x14x14", "none", 0, 6 * 14 * 14 * 4, 0), rows["s2"]);
        Assert.Equal(new Row("c3", "conv2d 5x5", "16x10x10", "tanh", 16 * 6 * 25 + 16, (16 * 6 * 25 + 16) * 10 * 10, 16 * 6 * 25 * 10 * 10), rows["c3"]);
        Assert.Equal(new Row("s4", "avgpool2d 2x2", "16x5x5", "none", 0, 16 * 5 * 5 * 4, 0), rows["s4"]);
        Assert.Equal(new Row("f5", "dense", "120x1x1", "tanh", 400 * 120 + 120, 400 * 120 + 120, 400 * 120), rows["f5"]);
        Assert.Equal(new Row("f6", "dense", "84x1x1", "tanh", 120 * 84 + 84, 120 * 84 + 84, 120 * 84), rows["f6"]);
        Assert.Equal(new Row("output", "dense", "10x1x1", "none", 84 * 10 + 10, 84 * 10 + 10, 84 * 10), rows["output"]);

        // 61,706 parameters; 117,600 + 240,000 + 48,000 + 10,080 + 840 = 416,520 multiply-adds, the figure of DESIGN.md.
        Assert.Equal(61_706, rows.Values.Sum(r => r.Parameters));
        Assert.Equal(416_520, rows.Values.Sum(r => r.MultiplyAdds));
        Assert.Matches(new Regex(@"^total\s+61,706\s+429,342\s+416,520$", RegexOptions.Multiline), text);
        Assert.StartsWith("LeNet5: 8 layers, 61,706 parameters, 416,520 multiply-adds per image\n", text);
        Assert.Equal(416_520, LeNet5Network.Description.Layers.Sum(l => l.MultiplyAdds));

        Assert.Contains("input: 1x28x28, pixel x -> (x/255 - 0.1307)/0.3081 (0 -> -0.4242, 255 -> 2.8215)\n", text);
        Assert.Contains("classes: 10 (0 1 2 3 4 5 6 7 8 9)\n", text);
        Assert.Contains("loss: softmax cross-entropy\n", text);
        Assert.Contains("training: 10 epochs, batch 64, sgd, learning rate 0.05 x0.85 per epoch,\n  momentum 0.9, weight decay 0, seed 1\n", text);
    }

    [Fact]
    public void Paper_network_counts_are_the_papers()
    {
        string text = Summary("summary", "-a", "paper");
        Dictionary<string, Row> rows = Rows(text);

        // LeCun et al. 1998, section II.B: trainable parameters and connections of each layer.
        Assert.Equal((156, 122_304), (rows["c1"].Parameters, rows["c1"].Connections));
        Assert.Equal((12, 5_880), (rows["s2"].Parameters, rows["s2"].Connections));
        Assert.Equal((1_516, 151_600), (rows["c3"].Parameters, rows["c3"].Connections));
        Assert.Equal((32, 2_000), (rows["s4"].Parameters, rows["s4"].Connections));
        Assert.Equal((48_120, 48_120), (rows["c5"].Parameters, rows["c5"].Connections));
        Assert.Equal((10_164, 10_164), (rows["f6"].Parameters, rows["f6"].Connections));
        // The output: 10 Euclidean RBF units of 84 inputs each, their prototypes fixed.
        Assert.Equal(new Row("output", "rbf", "10x1x1", "none", 0, 84 * 10, 84 * 10), rows["output"]);

        // C3's table leaves out 36 of the 96 pairs of filter and input map: 60 kernels of 25 taps at 100 positions.
        Assert.Equal(new Row("c3", "conv2d 5x5*", "16x10x10", "scaled_tanh", 1_516, 151_600, 60 * 25 * 100), rows["c3"]);
        Assert.Contains("* c3: connection table, 60 of 96 pairs of filter and input map\n", text);
        // Subsampling multiplies each window's sum by its map's coefficient once.
        Assert.Equal(6 * 14 * 14, rows["s2"].MultiplyAdds);
        Assert.Equal("pad 2 (-0.1)", rows["pad"].Kind);

        Assert.Equal(60_000, rows.Values.Sum(r => r.Parameters));
        Assert.StartsWith("Paper: 8 layers, 60,000 parameters, 328,096 multiply-adds per image\n", text);
        Assert.Contains("input: 1x28x28, pixel x -> -0.1 + 1.275 x/255 (0 -> -0.1, 255 -> 1.175)\n", text);
        Assert.Contains("loss: MAP criterion (LeCun et al. 1998, eq. 9), j = 3\n", text);
        // The per-epoch schedule run-length encoded, wrapped between items.
        Assert.Contains(
            "training: 20 epochs, batch 1, sdlm, learning rate by epoch 0.0005 x2, 0.0002 x3,\n"
            + "  0.0001 x3, 0.00005 x4, 0.00001 x8, mu 0.5, curvature from 500 images,\n"
            + "  weight decay 0, seed 1\n", text);
    }

    [Fact]
    public void A_network_with_its_own_class_names_lists_them()
    {
        var catalog = new NetworkCatalog([NetworkConsole.Network<NamedClassesNetwork>()]) { ProgramName = "fashion" };
        var stdout = new StringWriter();
        Assert.Equal(0, NetworkConsole.Run(["summary"], stdout, TextWriter.Null, catalog));
        string text = stdout.ToString();
        EvaluateCommandTests.AssertWithin80Columns(text);
        Assert.StartsWith("Fashion: 8 layers, 61,706 parameters", text);
        Assert.Contains("classes: 10 (T-shirt/top Trouser Pullover Dress Coat Sandal Shirt Sneaker Bag\n  Ankle boot)\n", text);
    }
}
