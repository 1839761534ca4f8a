#version 450
#extension GL_GOOGLE_include_directive : require
// The sky: the cubemap sampled along the pinhole camera's ray through this pixel (NDC y points down in Vulkan).
#include "scene.glsl"

layout(set = 0, binding = 0) uniform samplerCube sky;
layout(location = 0) in vec2 ndc;
layout(location = 0) out vec4 color;

void main()
{
    vec3 ray = scene.forward.xyz + ndc.x * scene.right.w * scene.right.xyz - ndc.y * scene.up.w * scene.up.xyz;
    color = texture(sky, ray);
}
