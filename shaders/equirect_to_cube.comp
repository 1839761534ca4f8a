#version 450
#extension GL_GOOGLE_include_directive : require
// Equirectangular panorama -> the six faces of a cubemap, in Vulkan order +X, -X, +Y, -Y, +Z, -Z (array layer =
// gl_GlobalInvocationID.z). Bilinear at pixel centres, in linear light for sRGB data, wrapping around in longitude
// and clamping at the poles. CPU twin: Seedtex.Imaging.EquirectToCube (same direction conventions).
// Built twice: equirect_to_cube_rgba8.spv and, with -DFORMAT_RGBA16F, equirect_to_cube_rgba16f.spv.
#include "color.glsl"

layout(local_size_x = 16, local_size_y = 16) in;

#ifdef FORMAT_RGBA16F
layout(set = 0, binding = 0, rgba16f) readonly uniform image2D panorama;
layout(set = 0, binding = 1, rgba16f) writeonly uniform image2DArray faces;
#else
layout(set = 0, binding = 0, rgba8) readonly uniform image2D panorama;
layout(set = 0, binding = 1, rgba8) writeonly uniform image2DArray faces;
#endif

layout(push_constant) uniform Params { uint panoramaWidth; uint panoramaHeight; uint faceSize; } params;

const float PI = 3.14159265358979;

// Inverse of Vulkan's cube face selection: s, t in [-1, 1] across the face, t growing downwards (row order).
vec3 faceDirection(uint face, float s, float t)
{
    switch (face)
    {
        case 0u: return vec3(1.0, -t, -s);
        case 1u: return vec3(-1.0, -t, s);
        case 2u: return vec3(s, 1.0, t);
        case 3u: return vec3(s, -1.0, -t);
        case 4u: return vec3(s, -t, 1.0);
        default: return vec3(-s, -t, -1.0);
    }
}

vec4 fetch(int x, int y)
{
    int w = int(params.panoramaWidth);
    vec4 c = imageLoad(panorama, ivec2(((x % w) + w) % w, clamp(y, 0, int(params.panoramaHeight) - 1)));
#ifndef FORMAT_RGBA16F
    c = srgbToLinear(c);
#endif
    return c;
}

void main()
{
    uvec3 id = gl_GlobalInvocationID;
    if (id.x >= params.faceSize || id.y >= params.faceSize)
        return;
    float size = float(params.faceSize);
    vec3 d = faceDirection(id.z, (float(id.x) + 0.5) / size * 2.0 - 1.0, (float(id.y) + 0.5) / size * 2.0 - 1.0);
    d = normalize(d);
    // Longitude 0 (the panorama's centre column) looks down -Z; latitude runs from +Y (top row) to -Y.
    float u = atan(d.x, -d.z) / (2.0 * PI) + 0.5;
    float v = acos(clamp(d.y, -1.0, 1.0)) / PI;
    float px = u * float(params.panoramaWidth) - 0.5;
    float py = v * float(params.panoramaHeight) - 0.5;
    float fx0 = floor(px), fy0 = floor(py);
    float fx = px - fx0, fy = py - fy0;
    int x0 = int(fx0), y0 = int(fy0);
    vec4 top = mix(fetch(x0, y0), fetch(x0 + 1, y0), fx);
    vec4 bottom = mix(fetch(x0, y0 + 1), fetch(x0 + 1, y0 + 1), fx);
    vec4 c = mix(top, bottom, fy);
#ifdef FORMAT_RGBA16F
    imageStore(faces, ivec3(id), c);
#else
    imageStore(faces, ivec3(id), quantizeUnorm8(linearToSrgb(c)));
#endif
}
