#version 450
#extension GL_GOOGLE_include_directive : require
// One mip level from the one above it, every array layer (cube faces) at once. A box filter over the exact
// footprint of the destination pixel: 2x2 for even sizes, up to 3x3 with fractional weights for odd sizes, so
// no source pixel is skipped. sRGB data is averaged in linear light. CPU twin: Seedtex.Imaging.MipChain.
// Built twice: mip_downsample_rgba8.spv and, with -DFORMAT_RGBA16F, mip_downsample_rgba16f.spv.
#include "color.glsl"

layout(local_size_x = 16, local_size_y = 16) in;

// 8-bit only: true when the values are sRGB-encoded colour, false for linear data such as normal maps.
layout(constant_id = 0) const bool SRGB = true;
// true when both source sizes are even (or 1 -> 1): a plain 2x2 box. A specialisation constant because lavapipe
// executes every tap of the general loop, zero weight or not.
layout(constant_id = 1) const bool HALVING = false;

#ifdef FORMAT_RGBA16F
layout(set = 0, binding = 0, rgba16f) readonly uniform image2DArray source;
layout(set = 0, binding = 1, rgba16f) writeonly uniform image2DArray destination;
#else
layout(set = 0, binding = 0, rgba8) readonly uniform image2DArray source;
layout(set = 0, binding = 1, rgba8) writeonly uniform image2DArray destination;
#endif

layout(push_constant) uniform Params { uint sourceWidth; uint sourceHeight; uint width; uint height; } params;

// The source pixels under destination pixel d along one axis: the first index and up to three weights summing to 1.
void footprint(uint d, uint sourceSize, uint size, out int first, out vec3 weights)
{
    float scale = float(sourceSize) / float(size);
    float lo = float(d) * scale;
    float hi = float(d + 1u) * scale;
    float start = floor(lo);
    first = int(start);
    weights = vec3(min(hi, start + 1.0) - lo, clamp(hi - (start + 1.0), 0.0, 1.0), clamp(hi - (start + 2.0), 0.0, 1.0)) / (hi - lo);
}

vec4 fetch(int x, int y, int layer)
{
    vec4 c = imageLoad(source, ivec3(clamp(x, 0, int(params.sourceWidth) - 1), clamp(y, 0, int(params.sourceHeight) - 1), layer));
#ifndef FORMAT_RGBA16F
    if (SRGB)
        c = srgbToLinear(c);
#endif
    return c;
}

// General case: up to 3x3 source pixels with the footprint's weights.
vec4 filterFootprint(uvec3 id, int layer)
{
    int x0, y0;
    vec3 wx, wy;
    footprint(id.x, params.sourceWidth, params.width, x0, wx);
    footprint(id.y, params.sourceHeight, params.height, y0, wy);
    vec4 sum = vec4(0.0);
    for (int j = 0; j < 3; j++)
    {
        if (wy[j] == 0.0)
            continue;
        vec4 row = vec4(0.0);
        for (int i = 0; i < 3; i++)
        {
            if (wx[i] != 0.0)
                row += wx[i] * fetch(x0 + i, y0 + j, layer);
        }
        sum += wy[j] * row;
    }
    return sum;
}

void main()
{
    uvec3 id = gl_GlobalInvocationID;
    if (id.x >= params.width || id.y >= params.height)
        return;
    int layer = int(id.z);
    vec4 sum;
    if (HALVING)
    {
        // Same weights and order as the footprint loop gives for an exact halving.
        ivec2 s = ivec2(id.xy) * 2;
        vec4 top = 0.5 * fetch(s.x, s.y, layer) + 0.5 * fetch(s.x + 1, s.y, layer);
        vec4 bottom = 0.5 * fetch(s.x, s.y + 1, layer) + 0.5 * fetch(s.x + 1, s.y + 1, layer);
        sum = 0.5 * top + 0.5 * bottom;
    }
    else
    {
        sum = filterFootprint(id, layer);
    }
#ifdef FORMAT_RGBA16F
    imageStore(destination, ivec3(id), sum);
#else
    imageStore(destination, ivec3(id), quantizeUnorm8(SRGB ? linearToSrgb(sum) : sum));
#endif
}
