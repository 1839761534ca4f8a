// Push constants shared by the HeadlessHost sample's plane and sky shaders (128 bytes, the guaranteed minimum).
layout(push_constant) uniform Scene
{
    mat4 viewProjection;  // world -> clip (Vulkan clip space: y down, depth 0..1)
    vec4 right;           // camera right (xyz), tan(fov/2) * aspect (w)
    vec4 up;              // camera up (xyz), tan(fov/2) (w)
    vec4 forward;         // camera forward (xyz)
    vec4 plane;           // x: half size of the ground plane, y: texture repeats across it
} scene;
