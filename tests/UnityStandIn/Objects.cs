using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace UnityEngine
{
    /// <summary>UnityEngine.Object: a name, and Destroy/DestroyImmediate that run the component's OnDisable/OnDestroy.</summary>
    public class Object
    {
        public string name { get; set; } = "";

        /// <summary>Destroyed objects, for tests that check nothing leaked.</summary>
        public bool IsDestroyedForTests { get; private set; }

        public static void Destroy(Object obj) => DestroyImmediate(obj);

        public static void DestroyImmediate(Object obj)
        {
            if (obj == null || obj.IsDestroyedForTests)
                return;
            obj.IsDestroyedForTests = true;
            if (obj is Behaviour behaviour)
            {
                if (behaviour.enabled)
                    Lifecycle.Call(behaviour, "OnDisable");
                Lifecycle.Call(behaviour, "OnDestroy");
            }
            if (obj is Component component)
                component.gameObject.Remove(component);
        }
    }

    public class Component : Object
    {
        public GameObject gameObject { get; internal set; }

        public T GetComponent<T>() where T : class => gameObject.GetComponent<T>();
    }

    /// <summary>Behaviour.enabled: switching it runs OnEnable/OnDisable, as Unity does.</summary>
    public class Behaviour : Component
    {
        private bool _enabled = true;

        public bool enabled
        {
            get => _enabled;
            set
            {
                if (_enabled == value)
                    return;
                _enabled = value;
                Lifecycle.Call(this, value ? "OnEnable" : "OnDisable");
            }
        }
    }

    public class MonoBehaviour : Behaviour
    {
    }

    /// <summary>A game object holding components; AddComponent runs Awake and OnEnable like Unity.</summary>
    public sealed class GameObject : Object
    {
        private readonly List<Component> _components = new List<Component>();

        public GameObject(string name = "GameObject")
        {
            this.name = name;
        }

        public T AddComponent<T>() where T : Component, new()
        {
            var component = new T { gameObject = this };
            _components.Add(component);
            Lifecycle.Call(component, "Awake");
            if (component is Behaviour)
                Lifecycle.Call(component, "OnEnable");
            Lifecycle.Live.Add(component);
            return component;
        }

        public T GetComponent<T>() where T : class => _components.OfType<T>().FirstOrDefault();

        internal void Remove(Component component)
        {
            _components.Remove(component);
            Lifecycle.Live.Remove(component);
        }
    }

    /// <summary>How the stand-in plays Unity's player loop: message methods found by name, private ones included.</summary>
    public static class Lifecycle
    {
        internal static readonly List<Component> Live = new List<Component>();
        private static readonly HashSet<Component> Started = new HashSet<Component>();

        /// <summary>One frame: Start (first time) and Update on every enabled behaviour, then the frame counter moves on.</summary>
        public static void Frame()
        {
            foreach (var component in Live.ToArray())
            {
                if (component is Behaviour { enabled: true } behaviour)
                {
                    if (Started.Add(behaviour))
                        Call(behaviour, "Start");
                    Call(behaviour, "Update");
                }
            }
            Time.frameCount++;
        }

        /// <summary>Destroys every component, as unloading the scene does.</summary>
        public static void DestroyAllForTests()
        {
            foreach (var component in Live.ToArray())
                Object.DestroyImmediate(component);
        }

        internal static void Call(object target, string message)
        {
            for (var type = target.GetType(); type != null; type = type.BaseType)
            {
                var method = type.GetMethod(message, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly, null, Type.EmptyTypes, null);
                if (method != null)
                {
                    method.Invoke(target, null);
                    return;
                }
            }
        }
    }

    public static class Time
    {
        public static int frameCount { get; set; }
    }

    public static class Application
    {
        public static string persistentDataPath { get; set; } = System.IO.Path.GetTempPath();
        public static string streamingAssetsPath { get; set; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "StreamingAssets");
        public static bool isPlaying { get; set; } = true;

        public static event Action quitting;

        /// <summary>The player quitting: quitting is raised, then the scene is unloaded.</summary>
        public static void QuitForTests()
        {
            quitting?.Invoke();
            Lifecycle.DestroyAllForTests();
        }
    }

    public static class Debug
    {
        /// <summary>Everything logged, for tests.</summary>
        public static readonly List<string> Messages = new List<string>();

        public static void Log(object message) => Messages.Add("log: " + message);

        public static void LogWarning(object message, Object context = null) => Messages.Add("warning: " + message);

        public static void LogError(object message, Object context = null) => Messages.Add("error: " + message);
    }

    [AttributeUsage(AttributeTargets.Field)]
    public sealed class SerializeField : Attribute
    {
    }

    [AttributeUsage(AttributeTargets.Field)]
    public sealed class TooltipAttribute : Attribute
    {
        public TooltipAttribute(string tooltip)
        {
            this.tooltip = tooltip;
        }

        public string tooltip { get; }
    }

    [AttributeUsage(AttributeTargets.Class)]
    public sealed class AddComponentMenu : Attribute
    {
        public AddComponentMenu(string menuName)
        {
            componentMenu = menuName;
        }

        public string componentMenu { get; }
    }

    public struct Color32
    {
        public byte r;
        public byte g;
        public byte b;
        public byte a;

        public Color32(byte r, byte g, byte b, byte a)
        {
            this.r = r;
            this.g = g;
            this.b = b;
            this.a = a;
        }
    }

    /// <summary>JsonUtility: public and [SerializeField] fields, as Unity serializes them.</summary>
    public static class JsonUtility
    {
        public static string ToJson(object obj, bool prettyPrint)
        {
            var fields = obj.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .Where(f => f.IsPublic || f.GetCustomAttribute<SerializeField>() != null)
                .ToDictionary(f => f.Name, f => f.GetValue(obj) is float v && float.IsNaN(v) ? (object)"NaN" : f.GetValue(obj));
            return System.Text.Json.JsonSerializer.Serialize(fields, new System.Text.Json.JsonSerializerOptions { WriteIndented = prettyPrint });
        }
    }
}
