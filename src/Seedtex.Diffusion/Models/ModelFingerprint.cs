using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Seedtex.Diffusion.Models;

/// <summary>
/// A content hash of a whole model folder: SHA-256 over every file's relative path and SHA-256. Each file's hash is
/// remembered in a sidecar (.seedtex-fingerprint.json) keyed by size and modification time, so a 3 GB model is hashed
/// once, not at every start. A read-only folder just skips the sidecar.
/// </summary>
public static class ModelFingerprint
{
    public const string SidecarName = ".seedtex-fingerprint.json";

    internal sealed record FileEntry(string Path, long Size, long MtimeTicks, string Sha256);

    public static string Compute(string folder)
    {
        string sidecarPath = Path.Combine(folder, SidecarName);
        var memo = ReadSidecar(sidecarPath);
        var entries = new List<FileEntry>();
        bool changed = false;
        foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(folder, file).Replace('\\', '/');
            if (relative.Split('/').Any(part => part.StartsWith('.')))
                continue;
            var info = new FileInfo(file);
            long mtime = info.LastWriteTimeUtc.Ticks;
            if (memo.TryGetValue(relative, out var known) && known.Size == info.Length && known.MtimeTicks == mtime)
            {
                entries.Add(known);
                continue;
            }
            entries.Add(new FileEntry(relative, info.Length, mtime, HashFile(file)));
            changed = true;
        }
        if (changed || memo.Count != entries.Count)
            TryWriteSidecar(sidecarPath, entries);

        var all = new StringBuilder();
        foreach (var e in entries)
            all.Append(e.Path).Append('\0').Append(e.Sha256).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(all.ToString())));
    }

    private static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static Dictionary<string, FileEntry> ReadSidecar(string path)
    {
        try
        {
            if (!File.Exists(path))
                return [];
            var list = JsonSerializer.Deserialize(File.ReadAllText(path), DiffusionJson.Default.ListFileEntry) ?? [];
            return list.Where(e => e is { Path: not null, Sha256.Length: 64 }).ToDictionary(e => e.Path, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            // A damaged memo only costs a re-hash.
            return [];
        }
    }

    private static void TryWriteSidecar(string path, List<FileEntry> entries)
    {
        string temp = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllText(temp, JsonSerializer.Serialize(entries, DiffusionJson.Default.ListFileEntry));
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Read-only model folders (installed plugins) are fine: we just re-hash next time.
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
