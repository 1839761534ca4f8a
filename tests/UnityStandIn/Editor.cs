using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;

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

        /// <summary>What the editor does once it has loaded scripts: runs the static constructor of every [InitializeOnLoad] class.</summary>
        public static void LoadScriptsForTests(Assembly assembly)
        {
            foreach (var type in assembly.GetTypes().Where(t => t.GetCustomAttribute<InitializeOnLoadAttribute>() != null))
                RuntimeHelpers.RunClassConstructor(type.TypeHandle);
        }
    }

    [AttributeUsage(AttributeTargets.Class)]
    public sealed class InitializeOnLoadAttribute : Attribute
    {
    }

    public static class AssemblyReloadEvents
    {
        public delegate void AssemblyReloadCallback();

        public static event AssemblyReloadCallback beforeAssemblyReload;

        /// <summary>
        /// A script reload in play mode as the stand-in can play it: beforeAssemblyReload, OnDisable on every enabled
        /// behaviour, then (the same objects standing in for the ones Unity deserializes) OnEnable on them again.
        /// </summary>
        public static void ReloadForTests()
        {
            beforeAssemblyReload?.Invoke();
            var enabled = UnityEngine.Lifecycle.Live.OfType<UnityEngine.Behaviour>().Where(b => b.enabled).ToArray();
            foreach (var behaviour in enabled)
                UnityEngine.Lifecycle.Call(behaviour, "OnDisable");
            foreach (var behaviour in enabled)
                UnityEngine.Lifecycle.Call(behaviour, "OnEnable");
        }
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
