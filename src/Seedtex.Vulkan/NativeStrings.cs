using System.Runtime.InteropServices;

namespace Seedtex.Vulkan;

/// <summary>An array of NUL-terminated UTF-8 strings in native memory, for Vulkan's ppEnabled...Names fields.</summary>
internal sealed unsafe class NativeStrings : IDisposable
{
    private readonly nint[] _strings;

    public NativeStrings(IReadOnlyList<string> values)
    {
        _strings = values.Select(v => Marshal.StringToCoTaskMemUTF8(v)).ToArray();
        Pointers = (byte**)NativeMemory.Alloc((nuint)Math.Max(1, _strings.Length), (nuint)sizeof(nint));
        for (int i = 0; i < _strings.Length; i++)
            Pointers[i] = (byte*)_strings[i];
    }

    public int Count => _strings.Length;

    public byte** Pointers { get; }

    public void Dispose()
    {
        foreach (var s in _strings)
            Marshal.FreeCoTaskMem(s);
        NativeMemory.Free(Pointers);
    }
}
