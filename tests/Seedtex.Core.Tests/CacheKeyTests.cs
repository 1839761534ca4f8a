using System.Text;
using MessagePack;
using Seedtex.Core;

namespace Seedtex.Core.Tests;

public class CacheKeyTests
{
    private static readonly CacheKeyContext Context = new("3f1c0a9e5b7d2468ace013579bdf2468ace013579bdf2468ace013579bdf2468");

    private static readonly TextureRequest Bricks = new()
    {
        Prompt = "red brick wall, seamless",
        NegativePrompt = "blurry",
        Seed = 42,
        Width = 512,
        Height = 512,
        Steps = 20,
        Guidance = 7.5f,
        Scheduler = "euler_a",
        Tiling = TileAxes.XY,
    };

    private static readonly TextureRequest Backdrop = new()
    {
        Prompt = "Café sunset over the dunes",
        Seed = -7,
        Width = 1024,
        Height = 512,
        Steps = 30,
        Guidance = 6f,
        Scheduler = "dpmpp_2m",
        Tiling = TileAxes.X,
        Kind = PipelineKind.Backdrop,
        Format = PixelFormat.Rgba16Float,
    };

    private static readonly TextureRequest Repaint = new()
    {
        Prompt = "mossy stone",
        Seed = 1234567890123,
        Width = 64,
        Height = 64,
        Steps = 10,
        Guidance = 5f,
        Scheduler = "ddim",
        Kind = PipelineKind.ImageToImage,
        InitImage = Enumerable.Range(0, 64 * 64 * 4).Select(i => (byte)(i * 7)).ToArray(),
        Strength = 0.6f,
        Outputs = TextureOutputs.Albedo | TextureOutputs.Normal,
    };

    // Golden keys: a change here means every cache entry made so far stops hitting. That must be a decision
    // (bump CacheKey.AlgorithmVersion), never a side effect of a refactor.
    // The bricks key was also reproduced by a separate Python encoder written from the MessagePack spec.
    [Theory]
    [InlineData("bricks", "72cad7eda7dbb7fc8480521f5b5a7ac54f37cbbe5d0c4a868bd2d14bf186059e")]
    [InlineData("backdrop", "ddc8e9d83235c055638381d7e936e896c235c6e8d01ab5fddb4719fdcc2e34d6")]
    [InlineData("repaint", "d42efbd9082b40f757af8be2c8ed593b35e43a6f6f7e6c5fd78b6319a7726655")]
    public void Keys_of_fixed_requests_are_pinned(string name, string expected)
    {
        var request = name switch { "bricks" => Bricks, "backdrop" => Backdrop, _ => Repaint };
        Assert.Equal(expected, CacheKey.Compute(request, Context).ToString());
    }

    [Fact]
    public void Derived_key_is_pinned_and_depends_on_parent_output_and_settings()
    {
        var parent = CacheKey.Compute(Bricks, Context);
        var normal = CacheKey.Derive(parent, "normal", "strength=2");
        Assert.Equal("eee439548ca27319285a545777f61d0681d321e1901f8750112942c74c4e1a5a", normal.ToString());
        Assert.NotEqual(normal, CacheKey.Derive(parent, "normal", "strength=3"));
        Assert.NotEqual(normal, CacheKey.Derive(parent, "cubemap", "strength=2"));
        Assert.NotEqual(normal, CacheKey.Derive(CacheKey.Compute(Bricks with { Seed = 43 }, Context), "normal", "strength=2"));
    }

    [Fact]
    public void Canonical_bytes_are_messagepack_with_fields_in_fixed_order()
    {
        byte[] bytes = CacheKey.CanonicalBytes(Repaint, Context);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), CacheKey.Compute(Repaint, Context).ToString());

        var reader = new MessagePackReader(bytes);
        Assert.Equal(19, reader.ReadMapHeader());
        var fields = new List<(string Name, object? Value)>();
        for (int i = 0; i < 19; i++)
        {
            string name = reader.ReadString()!;
            object? value = reader.NextMessagePackType switch
            {
                MessagePackType.String => reader.ReadString(),
                MessagePackType.Integer => reader.ReadInt64(),
                MessagePackType.Float => reader.ReadSingle(),
                MessagePackType.Binary => Convert.ToHexStringLower(System.Buffers.BuffersExtensions.ToArray(reader.ReadBytes()!.Value)),
                MessagePackType.Nil => reader.TryReadNil() ? null : null,
                var other => throw new InvalidOperationException($"unexpected {other}"),
            };
            fields.Add((name, value));
        }
        Assert.True(reader.End);
        string[] order = ["algorithm", "model", "pipeline", "prompt", "negative_prompt", "long_prompt_policy", "seed", "rng", "scheduler",
            "scheduler_settings", "steps", "guidance", "width", "height", "tiling", "source_sha256", "strength", "outputs", "format"];
        Assert.Equal(order, fields.Select(f => f.Name));
        var map = fields.ToDictionary(f => f.Name, f => f.Value);
        Assert.Equal((long)CacheKey.AlgorithmVersion, map["algorithm"]);
        Assert.Equal("img2img", map["pipeline"]);
        Assert.Equal(1234567890123L, map["seed"]);
        Assert.Equal("torch-cpu-mt19937", map["rng"]);
        Assert.Equal(5f, map["guidance"]);
        Assert.Equal(0.6f, map["strength"]);
        Assert.Equal(Convert.ToHexStringLower(CacheKey.SourceHash(Repaint.InitImage!.Value.Span)), map["source_sha256"]);
        Assert.Equal(3L, map["outputs"]);
        Assert.Equal("rgba8_srgb", map["format"]);

        // The same bytes through the library's untrusted-data path.
        var options = MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);
        var generic = MessagePackSerializer.Deserialize<Dictionary<object, object?>>(bytes, options);
        Assert.Equal("mossy stone", generic["prompt"]);
    }

    [Fact]
    public void Every_field_that_changes_pixels_changes_the_key()
    {
        var variants = new (string What, TextureRequest Request, CacheKeyContext Context)[]
        {
            ("base", Repaint, Context),
            ("prompt", Repaint with { Prompt = "mossy stones" }, Context),
            ("negative", Repaint with { NegativePrompt = "text" }, Context),
            ("seed", Repaint with { Seed = Repaint.Seed + 1 }, Context),
            ("steps", Repaint with { Steps = 11 }, Context),
            ("guidance", Repaint with { Guidance = 5.0001f }, Context),
            ("scheduler", Repaint with { Scheduler = "euler" }, Context),
            ("width", Repaint with { Width = 128, InitImage = new byte[128 * 64 * 4] }, Context),
            ("height", Repaint with { Height = 128, InitImage = new byte[64 * 128 * 4] }, Context),
            ("tiling", Repaint with { Tiling = TileAxes.Y }, Context),
            ("kind", Repaint with { Kind = PipelineKind.TextToImage }, Context),
            ("outputs", Repaint with { Outputs = TextureOutputs.Albedo }, Context),
            ("format", Repaint with { Format = PixelFormat.Rgba8Unorm }, Context),
            ("source", Repaint with { InitImage = ChangedSource() }, Context),
            ("strength", Repaint with { Strength = 0.61f }, Context),
            ("model", Repaint, Context with { ModelFingerprint = "00" + Context.ModelFingerprint[2..] }),
            ("scheduler settings", Repaint, Context with { SchedulerSettings = "beta_schedule=scaled_linear" }),
            ("long prompt policy", Repaint, Context with { LongPromptPolicy = "chunk" }),
            ("rng", Repaint, Context with { RngKind = "philox" }),
        };
        var keys = variants.Select(v => (v.What, Key: CacheKey.Compute(v.Request, v.Context))).ToList();
        var duplicates = keys.GroupBy(k => k.Key).Where(g => g.Count() > 1).Select(g => string.Join("=", g.Select(k => k.What)));
        Assert.Empty(duplicates);
    }

    private static byte[] ChangedSource()
    {
        var source = Repaint.InitImage!.Value.ToArray();
        source[^1] ^= 1;
        return source;
    }

    [Fact]
    public void Prompts_that_read_the_same_give_the_same_key()
    {
        var composed = Bricks with { Prompt = "caf\u00e9 tiles" };
        var decomposed = Bricks with { Prompt = "cafe\u0301 tiles" };
        var spaced = Bricks with { Prompt = "  caf\u00e9\t\n tiles  " };
        var key = CacheKey.Compute(composed, Context);
        Assert.Equal(key, CacheKey.Compute(decomposed, Context));
        Assert.Equal(key, CacheKey.Compute(spaced, Context));
        Assert.NotEqual(key, CacheKey.Compute(Bricks with { Prompt = "cafe tiles" }, Context));
        Assert.NotEqual(key, CacheKey.Compute(Bricks with { Prompt = "caf\u00e9tiles" }, Context));
    }

    [Fact]
    public void Strength_does_not_split_txt2img_keys_and_negative_zero_is_zero()
    {
        Assert.Equal(CacheKey.Compute(Bricks, Context), CacheKey.Compute(Bricks with { Strength = 0.3f }, Context));
        Assert.Equal(CacheKey.Compute(Bricks with { Guidance = 0f }, Context), CacheKey.Compute(Bricks with { Guidance = -0f }, Context));
    }

    [Theory]
    [InlineData(0, 7.5f, "euler")]
    [InlineData(20, float.NaN, "euler")]
    [InlineData(20, 7.5f, "")]
    public void Unresolved_requests_are_refused(int steps, float guidance, string scheduler)
    {
        var e = Assert.Throws<SeedtexException>(() => CacheKey.Compute(Bricks with { Steps = steps, Guidance = guidance, Scheduler = scheduler }, Context));
        Assert.Equal(SeedtexErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("Resolve", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Img2img_without_source_is_refused()
    {
        var e = Assert.Throws<SeedtexException>(() => CacheKey.Compute(Repaint with { InitImage = null }, Context));
        Assert.Equal(SeedtexErrorKind.InvalidArgument, e.Kind);
    }

    [Fact]
    public void Long_prompts_spill_from_the_stack_buffer_and_still_hash_their_bytes()
    {
        string longPrompt = string.Concat(Enumerable.Repeat("weathered copper roof with verdigris ", 200));
        var a = CacheKey.Compute(Bricks with { Prompt = longPrompt }, Context);
        var b = CacheKey.Compute(Bricks with { Prompt = longPrompt + "x" }, Context);
        Assert.NotEqual(a, b);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(CacheKey.CanonicalBytes(Bricks with { Prompt = longPrompt }, Context))), a.ToString());
    }

    [Fact]
    public void Hex_text_round_trips_and_bad_text_is_rejected()
    {
        var key = CacheKey.Compute(Bricks, Context);
        Assert.Equal(key, CacheKey.Parse(key.ToString()));
        Assert.Equal(key, CacheKey.Parse(key.ToString().ToUpperInvariant()));
        Assert.Equal(key.ToString(), Convert.ToHexStringLower(key.ToArray()));
        Assert.False(CacheKey.TryParse(key.ToString()[1..], out _));
        Assert.False(CacheKey.TryParse(string.Concat(key.ToString().AsSpan(1), "g"), out _));
        Assert.False(CacheKey.TryParse(null, out _));
        Assert.Equal(SeedtexErrorKind.InvalidArgument, Assert.Throws<SeedtexException>(() => CacheKey.Parse("abc")).Kind);
    }

    [Fact]
    public void Keys_order_like_their_bytes()
    {
        var keys = Enumerable.Range(0, 200).Select(i => CacheKey.Compute(Bricks with { Seed = i }, Context)).ToList();
        var byCompare = keys.Order().Select(k => k.ToString()).ToList();
        var byText = keys.Select(k => k.ToString()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(byText, byCompare);
    }
}
