using System.Reflection;
using System.Runtime.InteropServices;

namespace Seedtex.Native;

/// <summary>
/// Makes ONNX Runtime load from the plugin's own folder. A NativeAOT library is loaded by a host executable that
/// lives elsewhere (Unity, a C engine), and the default search looks beside the executable; so we find our own
/// file with dladdr on one of our functions and resolve "onnxruntime" to the copy beside it.
/// </summary>
internal static unsafe class OnnxRuntimeLoader
{
    private static int _registered;

    [StructLayout(LayoutKind.Sequential)]
    private struct DlInfo
    {
        public nint FileName;
        public nint FileBase;
        public nint SymbolName;
        public nint SymbolAddress;
    }

    [DllImport("libc", EntryPoint = "dladdr")]
    private static extern int DlAddr(nint address, out DlInfo info);

    /// <summary>The folder holding this library, or null when the platform can't tell.</summary>
    public static string? PluginFolder(nint addressInsidePlugin)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return null;
        if (DlAddr(addressInsidePlugin, out var info) == 0 || info.FileName == 0)
            return null;
        return Path.GetDirectoryName(Marshal.PtrToStringUTF8(info.FileName));
    }

    public static void Register(string? pluginFolder)
    {
        if (pluginFolder is null || Interlocked.Exchange(ref _registered, 1) == 1)
            return;
        NativeLibrary.SetDllImportResolver(typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly, (name, assembly, path) =>
        {
            if (name != "onnxruntime")
                return 0;
            string candidate = Path.Combine(pluginFolder, OperatingSystem.IsMacOS() ? "libonnxruntime.dylib" : "libonnxruntime.so");
            return File.Exists(candidate) ? NativeLibrary.Load(candidate) : 0;
        });
    }
}
