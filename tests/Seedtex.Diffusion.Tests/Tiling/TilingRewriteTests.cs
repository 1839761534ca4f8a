using Seedtex.Core;
using Seedtex.Diffusion.Tiling;
using Seedtex.Diffusion.Tiling.OnnxFormat;

namespace Seedtex.Diffusion.Tests.Tiling;

/// <summary>The rewrite on small graphs, run by ONNX Runtime and held against numpy's wrap-padded convolution.</summary>
public class TilingRewriteTests
{
    public static TheoryData<string, string, PadForm> CasesAndForms()
    {
        var data = new TheoryData<string, string, PadForm>();
        foreach (var c in TilingGraphs.Cases)
        {
            foreach (var form in Enum.GetValues<PadForm>())
                data.Add(c.Graph, c.Axes, form);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CasesAndForms))]
    public void Rewritten_graph_matches_numpy_wrap_padded_convolution(string graph, string axes, PadForm form)
    {
        var c = TilingGraphs.Cases.Single(x => x.Graph == graph && x.Axes == axes);
        var model = TilingGraphs.Load(graph);
        int rewritten = GraphRewriter.MakeSeamless(model, c.TileAxes, form, graph);

        // asymmetric has three padded Convs (the 1x1 has none), each padded on both axes; conv3x3 has one, and so has
        // explicit_pad once its zero Pad is folded into the Conv.
        int padded = graph == "asymmetric.onnx" ? 3 : 1;
        Assert.Equal(c.TileAxes == TileAxes.None ? 0 : padded, rewritten);
        using var session = TilingGraphs.Open(model);
        var (output, shape) = TilingGraphs.Run(session, ("x", c.Input, c.InputShape));

        Assert.Equal(c.OutputShape, shape);
        Assert.True(TilingGraphs.MaxAbsDifference(c.Output, output) < 1e-4f, $"max difference {TilingGraphs.MaxAbsDifference(c.Output, output)}");
    }

    [Fact]
    public void An_explicit_zero_pad_before_a_conv_is_folded_into_it()
    {
        var model = TilingGraphs.Load("explicit_pad.onnx");
        GraphRewriter.MakeSeamless(model, TileAxes.X, PadForm.SliceConcat, "vae_encoder");
        Assert.DoesNotContain(model.Graph.Node, n => n.Name == "downsample_pad");
        var conv = model.Graph.Node.Single(n => n.Name == "downsample_conv");
        // y keeps its zero row inside the Conv; x's column now comes from the wrap in front of it.
        Assert.Equal([0L, 0, 1, 0], conv.Attribute.Single(a => a.Name == "pads").Ints);
    }

    [Fact]
    public void Tiled_output_differs_from_the_zero_padded_one_at_the_edges_only()
    {
        // Guards the test data itself: if wrap and zero padding gave the same numbers the test above proved nothing.
        var none = TilingGraphs.Cases.Single(x => x.Graph == "conv3x3.onnx" && x.Axes == "none");
        var xOnly = TilingGraphs.Cases.Single(x => x.Graph == "conv3x3.onnx" && x.Axes == "x");
        int h = (int)none.OutputShape[2], w = (int)none.OutputShape[3];
        for (int i = 0; i < none.Output.Length; i++)
        {
            int column = i % w;
            bool edge = column == 0 || column == w - 1;
            Assert.Equal(edge, Math.Abs(none.Output[i] - xOnly.Output[i]) > 1e-6f);
        }
        Assert.Equal(6, h);
    }

    [Fact]
    public void Pad_form_raises_opset_17_to_19_and_adds_one_wrap_pad_per_conv()
    {
        var model = TilingGraphs.Load("asymmetric.onnx");
        GraphRewriter.MakeSeamless(model, TileAxes.XY, PadForm.WrapPad);

        Assert.Equal(19, WrapPadOpset.Of(model));
        Assert.True(model.IrVersion >= 9);
        var pads = model.Graph.Node.Where(n => n.OpType == "Pad").ToList();
        Assert.Equal(3, pads.Count);
        Assert.All(pads, p => Assert.Equal("wrap", p.Attribute.Single(a => a.Name == "mode").S.ToStringUtf8()));
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType is "Slice" or "Concat");
        Assert.All(model.Graph.Node.Where(n => n.OpType == "Conv"), conv =>
        {
            Assert.DoesNotContain(conv.Attribute, a => a.Name == "auto_pad");
            var convPads = conv.Attribute.SingleOrDefault(a => a.Name == "pads");
            Assert.True(convPads is null || convPads.Ints.All(p => p == 0));
        });
    }

    [Fact]
    public void Slice_form_keeps_the_opset_and_keeps_zero_padding_in_the_conv_on_the_other_axis()
    {
        var model = TilingGraphs.Load("conv3x3.onnx");
        GraphRewriter.MakeSeamless(model, TileAxes.X, PadForm.SliceConcat);

        Assert.Equal(17, WrapPadOpset.Of(model));
        Assert.Equal(["Slice", "Slice", "Concat", "Conv"], model.Graph.Node.Select(n => n.OpType));
        var conv = model.Graph.Node.Single(n => n.OpType == "Conv");
        // [y begin, x begin, y end, x end]: y still zero-padded by the Conv, x now wrapped in front of it.
        Assert.Equal([1L, 0, 1, 0], conv.Attribute.Single(a => a.Name == "pads").Ints);
        Assert.Equal(model.Graph.Node.Single(n => n.OpType == "Concat").Output[0], conv.Input[0]);
    }

    [Fact]
    public void New_names_do_not_clash_with_existing_ones()
    {
        var model = TilingGraphs.Load("conv3x3.onnx");
        // Occupy the name the rewrite would pick first.
        model.Graph.ValueInfo.Add(new ValueInfoProto { Name = "conv3x3/seedtex_wrap" });
        GraphRewriter.MakeSeamless(model, TileAxes.XY, PadForm.WrapPad);

        var pad = model.Graph.Node.Single(n => n.OpType == "Pad");
        Assert.Equal("conv3x3/seedtex_wrap_1", pad.Output[0]);
        var names = model.Graph.Node.SelectMany(n => n.Output).Concat(model.Graph.Initializer.Select(t => t.Name)).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void Pad_form_refuses_a_model_whose_opset_cannot_be_raised_and_names_the_node()
    {
        var model = TilingGraphs.Load("conv3x3.onnx");
        var mean = new NodeProto { OpType = "ReduceMean", Name = "mean_over_channels" };
        mean.Input.Add("y");
        mean.Output.Add("m");
        mean.Attribute.Add(new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 1 } });
        model.Graph.Node.Add(mean);

        var e = Assert.Throws<SeedtexException>(() => GraphRewriter.MakeSeamless(model, TileAxes.XY, PadForm.WrapPad, "unet"));
        Assert.Equal(SeedtexErrorKind.InvalidModel, e.Kind);
        Assert.Contains("mean_over_channels", e.Message, StringComparison.Ordinal);
        Assert.Contains("SliceConcat", e.Message, StringComparison.Ordinal);
        // The other form still works on it.
        Assert.Equal(1, GraphRewriter.MakeSeamless(model, TileAxes.XY, PadForm.SliceConcat, "unet"));
    }

    [Theory]
    [InlineData("bad_no_conv.onnx", "no Conv with spatial padding found in vae_decoder")]
    [InlineData("bad_unpadded_conv.onnx", "no Conv with spatial padding found in vae_decoder")]
    [InlineData("bad_same_strided.onnx", "node 'same_strided' auto_pad SAME_LOWER with stride 2")]
    [InlineData("bad_conv_in_if.onnx", "node 'conv_in_branch' sits inside the subgraph of If node 'branching'")]
    public void Graphs_that_cannot_be_rewritten_say_why(string file, string expected)
    {
        var model = TilingGraphs.Load(file);
        foreach (var form in Enum.GetValues<PadForm>())
        {
            var e = Assert.Throws<SeedtexException>(() => GraphRewriter.MakeSeamless(model, TileAxes.XY, form, "vae_decoder"));
            Assert.Equal(SeedtexErrorKind.InvalidModel, e.Kind);
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_file_that_is_not_onnx_is_an_invalid_model()
    {
        string path = System.IO.Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "definitely not a protobuf \u0001\u0002\u00ff");
            var e = Assert.Throws<SeedtexException>(() => OnnxModelFile.Load(path));
            Assert.Equal(SeedtexErrorKind.InvalidModel, e.Kind);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
