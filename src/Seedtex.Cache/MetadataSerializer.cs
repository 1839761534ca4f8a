using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;
using Seedtex.Core;

namespace Seedtex.Cache;

/// <summary>
/// MessagePack encoding of <see cref="CacheEntryMetadata"/>: an array with a layout version first. The formatter is
/// written by hand so it needs no runtime code generation (the native plugin is AOT-compiled) and checks every
/// field it reads; bytes from disk go through MessagePack's untrusted-data mode.
/// </summary>
internal static class MetadataSerializer
{
    private const int LayoutVersion = 1;
    private const int FieldCount = 19;

    /// <summary>Upper bound on one entry's metadata; a header claiming more is corrupt.</summary>
    public const int MaxBytes = 1 << 20;

    private static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithResolver(CompositeResolver.Create([new Formatter()], [StandardResolver.Instance]))
        .WithSecurity(MessagePackSecurity.UntrustedData);

    public static byte[] Serialize(CacheEntryMetadata metadata) => MessagePackSerializer.Serialize(metadata, Options);

    /// <summary>Decodes stored metadata; anything malformed is <see cref="SeedtexErrorKind.Corrupt"/>, naming <paramref name="where"/>.</summary>
    public static CacheEntryMetadata Deserialize(ReadOnlyMemory<byte> bytes, string where)
    {
        try
        {
            var metadata = MessagePackSerializer.Deserialize<CacheEntryMetadata>(bytes, Options, out int read);
            if (read != bytes.Length)
                throw new MessagePackSerializationException($"{bytes.Length - read} bytes after the metadata");
            return metadata;
        }
        catch (MessagePackSerializationException e)
        {
            throw new SeedtexException(SeedtexErrorKind.Corrupt, $"{where}: metadata is not valid ({e.InnerException?.Message ?? e.Message})", e);
        }
    }

    private sealed class Formatter : IMessagePackFormatter<CacheEntryMetadata>
    {
        public void Serialize(ref MessagePackWriter writer, CacheEntryMetadata value, MessagePackSerializerOptions options)
        {
            var r = value.Request;
            writer.WriteArrayHeader(FieldCount);
            writer.Write(LayoutVersion);
            writer.Write(r.Prompt);
            writer.Write(r.NegativePrompt);
            writer.Write(r.Seed);
            writer.Write(r.Width);
            writer.Write(r.Height);
            writer.Write(r.Steps);
            writer.Write(r.Guidance);
            writer.Write(r.Scheduler);
            writer.Write((int)r.Tiling);
            writer.Write((int)r.Kind);
            writer.Write((int)r.Outputs);
            writer.Write((int)r.Format);
            writer.Write(r.Strength);
            writer.Write(value.SourceSha256);
            writer.Write(value.ModelFingerprint);
            writer.Write(value.AssetId);
            writer.Write(value.CreatedUtcTicks);
            writer.Write(value.GenerationTicks);
        }

        public CacheEntryMetadata Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        {
            options.Security.DepthStep(ref reader);
            int count = reader.ReadArrayHeader();
            if (count != FieldCount)
                throw new MessagePackSerializationException($"expected {FieldCount} fields, found {count}");
            int version = reader.ReadInt32();
            if (version != LayoutVersion)
                throw new MessagePackSerializationException($"metadata layout {version} is not {LayoutVersion}");
            var request = new TextureRequest
            {
                Prompt = ReadString(ref reader),
                NegativePrompt = ReadString(ref reader),
                Seed = reader.ReadInt64(),
                Width = reader.ReadInt32(),
                Height = reader.ReadInt32(),
                Steps = reader.ReadInt32(),
                Guidance = reader.ReadSingle(),
                Scheduler = ReadString(ref reader),
                Tiling = ReadEnum<TileAxes>(ref reader),
                Kind = ReadEnum<PipelineKind>(ref reader),
                Outputs = (TextureOutputs)reader.ReadInt32(),
                Format = ReadEnum<PixelFormat>(ref reader),
                Strength = reader.ReadSingle(),
            };
            var metadata = new CacheEntryMetadata
            {
                Request = request,
                SourceSha256 = ReadString(ref reader),
                ModelFingerprint = ReadString(ref reader),
                AssetId = ReadString(ref reader),
                CreatedUtcTicks = reader.ReadInt64(),
                GenerationTicks = reader.ReadInt64(),
            };
            reader.Depth--;
            return metadata;
        }

        private static string ReadString(ref MessagePackReader reader) =>
            reader.ReadString() ?? throw new MessagePackSerializationException("a text field is nil");

        private static T ReadEnum<T>(ref MessagePackReader reader) where T : struct, Enum
        {
            int value = reader.ReadInt32();
            var result = (T)(object)value;
            return Enum.IsDefined(result) ? result : throw new MessagePackSerializationException($"{value} is not a {typeof(T).Name}");
        }
    }
}
