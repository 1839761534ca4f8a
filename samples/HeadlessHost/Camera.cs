using System.Numerics;
using System.Runtime.InteropServices;

namespace Seedtex.Samples.HeadlessHost;

/// <summary>A pinhole camera, and the scene constants the shaders read (shaders/scene.glsl).</summary>
public sealed record Camera(Vector3 Eye, Vector3 Target, float FieldOfViewYDegrees, int Width, int Height)
{
    public static readonly Vector3 WorldUp = Vector3.UnitY;

    public Vector3 Forward => Vector3.Normalize(Target - Eye);
    public Vector3 Right => Vector3.Normalize(Vector3.Cross(Forward, WorldUp));
    public Vector3 Up => Vector3.Cross(Right, Forward);
    public float TanHalfFov => MathF.Tan(FieldOfViewYDegrees * MathF.PI / 360f);
    public float Aspect => (float)Width / Height;

    /// <summary>World to Vulkan clip space (right-handed view, depth 0..1, y flipped because Vulkan's NDC y points down).</summary>
    public Matrix4x4 ViewProjection
    {
        get
        {
            var projection = Matrix4x4.CreatePerspectiveFieldOfView(FieldOfViewYDegrees * MathF.PI / 180f, Aspect, 0.05f, 100f);
            projection.M22 = -projection.M22;
            return Matrix4x4.CreateLookAt(Eye, Target, WorldUp) * projection;
        }
    }

    public SceneConstants Constants(float planeHalfSize, float textureRepeats) => new()
    {
        // System.Numerics stores row vectors; GLSL reads the same 16 floats as the transposed, column-vector matrix.
        ViewProjection = ViewProjection,
        Right = new Vector4(Right, TanHalfFov * Aspect),
        Up = new Vector4(Up, TanHalfFov),
        Forward = new Vector4(Forward, 0f),
        Plane = new Vector4(planeHalfSize, textureRepeats, 0f, 0f),
    };
}

/// <summary>Mirror of the push-constant block in shaders/scene.glsl (128 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct SceneConstants
{
    public Matrix4x4 ViewProjection;
    public Vector4 Right;
    public Vector4 Up;
    public Vector4 Forward;
    public Vector4 Plane;
}
