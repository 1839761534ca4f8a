using System.Runtime.InteropServices;

namespace Seedtex.Diffusion.Tiling;

/// <summary>
/// Puts a file's content at a second path without copying it when the file system allows: a hard link costs no
/// space and ONNX Runtime sees an ordinary file (it resolves external data next to the model and may refuse paths
/// that leave the model's folder). Falls back to a copy across file systems.
/// </summary>
internal static partial class FileLinks
{
    public static void LinkOrCopy(string source, string destination)
    {
        if (TryHardLink(source, destination))
            return;
        File.Copy(source, destination);
    }

    private static bool TryHardLink(string source, string destination)
    {
        try
        {
            return OperatingSystem.IsWindows()
                ? CreateHardLinkW(destination, source, IntPtr.Zero)
                : link(source, destination) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string existing, string created);

    [LibraryImport("kernel32", StringMarshalling = StringMarshalling.Utf16, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CreateHardLinkW(string created, string existing, IntPtr reserved);
}
