using System.Buffers.Binary;
using System.Text;

namespace Seedtex.Core;

/// <summary>
/// Writes MessagePack in one canonical form (shortest integer and string headers, float32, maps with fields
/// in a fixed order) into a caller's buffer. Core keeps no MessagePack dependency; cache keys only need these
/// few types, and writing them by hand keeps key computation allocation-free.
/// </summary>
internal ref struct CanonicalPackWriter(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;
    private int _position;

    public readonly ReadOnlySpan<byte> Written => _buffer[.._position];

    /// <summary>Upper bound of the bytes <see cref="WriteString"/> takes for <paramref name="value"/>.</summary>
    public static int MaxStringSize(string value) => 5 + Encoding.UTF8.GetMaxByteCount(value.Length);

    public void WriteMapHeader(int count)
    {
        if (count < 16)
            _buffer[_position++] = (byte)(0x80 | count);
        else
        {
            _buffer[_position++] = 0xde;
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[_position..], (ushort)count);
            _position += 2;
        }
    }

    public void WriteNil() => _buffer[_position++] = 0xc0;

    public void WriteInt(long value)
    {
        if (value >= 0)
        {
            if (value < 128) { _buffer[_position++] = (byte)value; }
            else if (value <= byte.MaxValue) { _buffer[_position++] = 0xcc; _buffer[_position++] = (byte)value; }
            else if (value <= ushort.MaxValue) { _buffer[_position++] = 0xcd; BinaryPrimitives.WriteUInt16BigEndian(_buffer[_position..], (ushort)value); _position += 2; }
            else if (value <= uint.MaxValue) { _buffer[_position++] = 0xce; BinaryPrimitives.WriteUInt32BigEndian(_buffer[_position..], (uint)value); _position += 4; }
            else { _buffer[_position++] = 0xcf; BinaryPrimitives.WriteUInt64BigEndian(_buffer[_position..], (ulong)value); _position += 8; }
        }
        else
        {
            if (value >= -32) { _buffer[_position++] = (byte)(sbyte)value; }
            else if (value >= sbyte.MinValue) { _buffer[_position++] = 0xd0; _buffer[_position++] = (byte)(sbyte)value; }
            else if (value >= short.MinValue) { _buffer[_position++] = 0xd1; BinaryPrimitives.WriteInt16BigEndian(_buffer[_position..], (short)value); _position += 2; }
            else if (value >= int.MinValue) { _buffer[_position++] = 0xd2; BinaryPrimitives.WriteInt32BigEndian(_buffer[_position..], (int)value); _position += 4; }
            else { _buffer[_position++] = 0xd3; BinaryPrimitives.WriteInt64BigEndian(_buffer[_position..], value); _position += 8; }
        }
    }

    /// <summary>float32, with -0 written as 0 so the two spellings of zero give one key.</summary>
    public void WriteFloat(float value)
    {
        _buffer[_position++] = 0xca;
        BinaryPrimitives.WriteSingleBigEndian(_buffer[_position..], value == 0f ? 0f : value);
        _position += 4;
    }

    public void WriteString(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        if (length < 32)
            _buffer[_position++] = (byte)(0xa0 | length);
        else if (length <= byte.MaxValue)
        {
            _buffer[_position++] = 0xd9;
            _buffer[_position++] = (byte)length;
        }
        else if (length <= ushort.MaxValue)
        {
            _buffer[_position++] = 0xda;
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[_position..], (ushort)length);
            _position += 2;
        }
        else
        {
            _buffer[_position++] = 0xdb;
            BinaryPrimitives.WriteUInt32BigEndian(_buffer[_position..], (uint)length);
            _position += 4;
        }
        _position += Encoding.UTF8.GetBytes(value, _buffer[_position..]);
    }

    public void WriteBinary(scoped ReadOnlySpan<byte> value)
    {
        // Keys only carry hashes here (32 bytes), so bin8 is enough; longer data would be a bug.
        if (value.Length > byte.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(value), value.Length, "binary fields in a cache key are at most 255 bytes");
        _buffer[_position++] = 0xc4;
        _buffer[_position++] = (byte)value.Length;
        value.CopyTo(_buffer[_position..]);
        _position += value.Length;
    }

    public void WriteField(string name, string value) { WriteString(name); WriteString(value); }

    public void WriteField(string name, long value) { WriteString(name); WriteInt(value); }
}
