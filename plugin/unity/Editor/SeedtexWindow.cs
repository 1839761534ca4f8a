using System;
using System.IO;
using System.Text;
using UnityEditor;
using UnityEngine;

namespace Seedtex.Unity.Editor
{
    /// <summary>
    /// Window > Seedtex: a prompt, a seed and four variations side by side (seeds s..s+3). Click one to save it into the
    /// project as a PNG with its parameters in a .json next to it, so the exact texture can be made again.
    /// </summary>
    public sealed class SeedtexWindow : EditorWindow
    {
        public const int Variations = 4;
        private const int Thumbnail = 160;

        [SerializeField] private PromptSettings settings = new PromptSettings { width = 256, height = 256, priority = PromptPriority.Editor, previewEvery = 2 };
        [SerializeField] private string saveFolder = "Assets/Seedtex";

        private readonly SeedtexRequest[] _requests = new SeedtexRequest[Variations];
        private readonly Texture2D[] _textures = new Texture2D[Variations];
        private readonly PromptSettings[] _made = new PromptSettings[Variations];

        public PromptSettings Settings => settings;

        public string SaveFolder
        {
            get => saveFolder;
            set => saveFolder = value;
        }

        /// <summary>Variation <paramref name="index"/> once it is done (or its latest preview while it generates).</summary>
        public Texture2D Variation(int index) => _textures[index];

        public bool IsDone(int index) => _made[index] != null;

        [MenuItem("Window/Seedtex")]
        public static void Open() => GetWindow<SeedtexWindow>("Seedtex");

        /// <summary>Starts four requests, seeds s..s+3; the ones already made come from the cache at once.</summary>
        public void GenerateVariations()
        {
            Clear();
            for (int i = 0; i < Variations; i++)
            {
                var variation = settings.Copy();
                variation.seed = settings.seed + i;
                _requests[i] = SeedtexRuntime.Context.Request(variation);
            }
        }

        /// <summary>Writes variation <paramref name="index"/> as a PNG asset with a parameters file beside it; returns the PNG's path.</summary>
        public string Save(int index)
        {
            var made = _made[index] ?? throw new InvalidOperationException("variation " + index + " is not done yet; wait for it or generate first");
            Directory.CreateDirectory(saveFolder);
            string path = saveFolder + "/" + Slug(made.prompt) + "_" + made.seed + ".png";
            File.WriteAllBytes(path, ImageConversion.EncodeToPNG(_textures[index]));
            File.WriteAllText(Path.ChangeExtension(path, ".json"), JsonUtility.ToJson(made, true));
            AssetDatabase.ImportAsset(path);
            return path;
        }

        /// <summary>Called every editor tick: lets the plugin deliver, shows previews, keeps finished variations.</summary>
        public void Tick()
        {
            bool changed = false;
            SeedtexRuntime.Deliver(4000);
            for (int i = 0; i < Variations; i++)
            {
                var request = _requests[i];
                if (request == null)
                    continue;
                switch (request.Poll(out _))
                {
                    case SeedtexRequestState.Waiting:
                        if (request.TryGetPreview(out var preview))
                        {
                            _textures[i] = TextureFactory.UpdatePreview(_textures[i], preview);
                            changed = true;
                        }
                        break;
                    case SeedtexRequestState.Done:
                        TextureFactory.Destroy(_textures[i], IntPtr.Zero);
                        // The editor saves PNGs, so it keeps readable CPU pixels (never an external VkImage).
                        _textures[i] = TextureFactory.CpuTexture(request);
                        _made[i] = request.Settings;
                        request.Dispose();
                        _requests[i] = null;
                        changed = true;
                        break;
                    case SeedtexRequestState.Cancelled when request.IsGone:
                        // Its context was freed (leaving play mode frees it): ask the next one.
                        _requests[i] = SeedtexRuntime.Context.Request(request.Settings);
                        break;
                    default:
                        Debug.LogError("Seedtex: variation " + i + " failed: " + request.Error());
                        request.Dispose();
                        _requests[i] = null;
                        break;
                }
            }
            if (changed)
                Repaint();
        }

        private void OnEnable() => EditorApplication.update += Tick;

        private void OnDisable()
        {
            EditorApplication.update -= Tick;
            Clear();
        }

        private void OnGUI()
        {
            settings.prompt = EditorGUILayout.TextField("Prompt", settings.prompt);
            settings.seed = EditorGUILayout.LongField("Seed", settings.seed);
            settings.width = settings.height = EditorGUILayout.IntField("Size", settings.width);
            settings.tileX = settings.tileY = EditorGUILayout.Toggle("Tileable", settings.tileX);
            saveFolder = EditorGUILayout.TextField("Save into", saveFolder);
            if (GUILayout.Button("Generate " + Variations + " variations"))
                GenerateVariations();
            GUILayout.BeginHorizontal();
            for (int i = 0; i < Variations; i++)
            {
                if (_textures[i] == null)
                    GUILayout.Label(_requests[i] != null ? "generating..." : "", GUILayout.Width(Thumbnail), GUILayout.Height(Thumbnail));
                else if (GUILayout.Button(_textures[i], GUILayout.Width(Thumbnail), GUILayout.Height(Thumbnail)) && IsDone(i))
                    Debug.Log("Seedtex: saved " + Save(i));
            }
            GUILayout.EndHorizontal();
        }

        private void Clear()
        {
            for (int i = 0; i < Variations; i++)
            {
                _requests[i]?.Cancel();
                _requests[i]?.Dispose();
                _requests[i] = null;
                TextureFactory.Destroy(_textures[i], IntPtr.Zero);
                _textures[i] = null;
                _made[i] = null;
            }
        }

        private static string Slug(string prompt)
        {
            var slug = new StringBuilder();
            foreach (char c in prompt.ToLowerInvariant())
            {
                if (char.IsLetterOrDigit(c))
                    slug.Append(c);
                else if (slug.Length > 0 && slug[slug.Length - 1] != '-')
                    slug.Append('-');
            }
            return slug.ToString().Trim('-');
        }
    }
}
