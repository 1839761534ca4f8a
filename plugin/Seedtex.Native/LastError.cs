using System.Runtime.InteropServices;
using System.Text;

namespace Seedtex.Native;

/// <summary>The per-thread message behind <c>stx_last_error</c>, kept in native memory until the thread's next call.</summary>
internal static unsafe class LastError
{
    [ThreadStatic]
    private static byte* _message;

    public static byte* Pointer
    {
        get
        {
            if (_message == null)
                Set("");
            return _message;
        }
    }

    public static Status Set(Status status, string message)
    {
        Set(message);
        return status;
    }

    public static void Clear() => Set("");

    private static void Set(string message)
    {
        if (_message != null)
            NativeMemory.Free(_message);
        int length = Encoding.UTF8.GetByteCount(message);
        _message = (byte*)NativeMemory.Alloc((nuint)length + 1);
        Encoding.UTF8.GetBytes(message, new Span<byte>(_message, length));
        _message[length] = 0;
    }
}
