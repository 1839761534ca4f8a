using UnityEditor;

namespace Seedtex.Unity.Editor
{
    /// <summary>
    /// The native plugin stays loaded across the editor's script reloads, but the managed side that owns its context does
    /// not: free the context (its model sessions and open requests) before every reload, or each one leaks it.
    /// </summary>
    [InitializeOnLoad]
    internal static class SeedtexReload
    {
        // [InitializeOnLoad] runs this after every script load, in a fresh domain: one subscription per domain.
        static SeedtexReload() => AssemblyReloadEvents.beforeAssemblyReload += SeedtexRuntime.Shutdown;
    }
}
