using System;
using System.Collections.Generic;

namespace UnityEditor
{
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class MenuItem : Attribute
    {
        public MenuItem(string itemName)
        {
            menuItem = itemName;
        }

        public string menuItem { get; }
    }

    /// <summary>EditorWindow: GetWindow creates it and runs OnEnable; Close runs OnDisable. OnGUI is never drawn here.</summary>
    public class EditorWindow : UnityEngine.Object
    {
        public static T GetWindow<T>(string title) where T : EditorWindow, new()
        {
            var window = new T { name = title };
            UnityEngine.Lifecycle.Call(window, "OnEnable");
            return window;
        }

        public int RepaintsForTests { get; private set; }

        public void Repaint() => RepaintsForTests++;

        public void Close() => UnityEngine.Lifecycle.Call(this, "OnDisable");
    }

    public static class EditorApplication
    {
        public delegate void CallbackFunction();

#pragma warning disable CA2211 // Unity's field, as Unity declares it.
        public static CallbackFunction update;
#pragma warning restore CA2211

        /// <summary>One editor tick, for tests.</summary>
        public static void TickForTests() => update?.Invoke();
    }

    public static class AssetDatabase
    {
        public static readonly List<string> Imported = new List<string>();

        public static void ImportAsset(string path) => Imported.Add(path);
    }

    public static class EditorGUILayout
    {
        public static string TextField(string label, string text) => text;

        public static long LongField(string label, long value) => value;

        public static int IntField(string label, int value) => value;

        public static bool Toggle(string label, bool value) => value;
    }
}

namespace UnityEngine
{
    public sealed class GUILayoutOption
    {
    }

    public static class GUILayout
    {
        public static bool Button(string text, params GUILayoutOption[] options) => false;

        public static bool Button(Texture image, params GUILayoutOption[] options) => false;

        public static void Label(string text, params GUILayoutOption[] options)
        {
        }

        public static GUILayoutOption Width(float width) => new GUILayoutOption();

        public static GUILayoutOption Height(float height) => new GUILayoutOption();

        public static void BeginHorizontal(params GUILayoutOption[] options)
        {
        }

        public static void EndHorizontal()
        {
        }
    }
}
