using Seedtex.Core;
using Seedtex.Imaging;

namespace Seedtex.Runtime.Tests;

public class DerivedOutputsTests
{
    private static TextureRequest Sky(int width) => new() { Prompt = "dusk", Seed = 1, Width = width, Height = width / 2, Kind = PipelineKind.Backdrop };

    [Theory]
    [InlineData(1024, 256)]
    [InlineData(1000, 128)] // a quarter of the width, rounded down to a power of two
    [InlineData(64, 16)]
    public void A_baked_cubemaps_face_is_a_quarter_of_the_panorama_as_a_power_of_two(int width, int face) =>
        Assert.Equal($"v{DerivedOutputs.Version};face={face}", DerivedOutputs.Default.Settings(TextureOutputs.Cubemap, Sky(width)));

    [Fact]
    public void Each_map_has_its_own_name_and_only_the_normal_maps_key_holds_the_normal_settings()
    {
        var request = new TextureRequest { Prompt = "bricks", Seed = 1 };
        Assert.Equal(["map/normal", "map/height", "map/roughness", "map/ao", "cubemap"],
            new[] { TextureOutputs.Normal, TextureOutputs.Height, TextureOutputs.Roughness, TextureOutputs.AmbientOcclusion, TextureOutputs.Cubemap }
                .Select(DerivedOutputs.Default.Name));
        var stronger = new DerivedOutputs(new SurfaceMapOptions(TileAxes.None, NormalStrength: 5, Convention: NormalMapConvention.DirectX));
        Assert.NotEqual(DerivedOutputs.Default.Settings(TextureOutputs.Normal, request), stronger.Settings(TextureOutputs.Normal, request));
        Assert.Equal(DerivedOutputs.Default.Settings(TextureOutputs.Roughness, request), stronger.Settings(TextureOutputs.Roughness, request));
        Assert.Equal([TextureOutputs.Normal, TextureOutputs.Cubemap], (TextureOutputs.Albedo | TextureOutputs.Normal | TextureOutputs.Cubemap).Derived());
    }

    [Fact]
    public void A_cubemap_of_a_texture_and_a_map_that_is_not_one_are_refused()
    {
        var texture = new TextureRequest { Prompt = "bricks", Seed = 1 };
        Assert.Contains("made from a backdrop", Assert.Throws<SeedtexException>(() => DerivedOutputs.Default.Settings(TextureOutputs.Cubemap, texture)).Message);
        Assert.Contains("not a PBR map", Assert.Throws<SeedtexException>(() => DerivedOutputs.Default.Name(TextureOutputs.Albedo)).Message);
        Assert.Contains("not one map", Assert.Throws<SeedtexException>(() => DerivedOutputs.OutputOf(MapKind.Normal | MapKind.Height)).Message);
    }
}
