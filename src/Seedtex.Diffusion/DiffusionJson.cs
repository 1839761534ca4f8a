using System.Text.Json.Serialization;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Tiling;

namespace Seedtex.Diffusion;

/// <summary>
/// Source-generated JSON for the small files this layer writes itself (fingerprint memos, variant manifests), so
/// nothing here needs reflection or runtime code generation and the library compiles ahead of time (NativeAOT).
/// </summary>
[JsonSerializable(typeof(List<ModelFingerprint.FileEntry>))]
[JsonSerializable(typeof(SeamlessVariants.VariantManifest))]
internal sealed partial class DiffusionJson : JsonSerializerContext;
