#version 450
#extension GL_GOOGLE_include_directive : require
// Height field (float per pixel, row-major) -> tangent-space normal map, RGBA8 UNORM. 3x3 Sobel gradient, borders
// wrapped for tileable textures or clamped. CPU twin: Seedtex.Imaging.NormalFromHeight.
#include "color.glsl"

layout(local_size_x = 16, local_size_y = 16) in;

layout(set = 0, binding = 0, std430) readonly buffer Heights { float heights[]; };
layout(set = 0, binding = 1, rgba8) writeonly uniform image2D normals;

// flags: bit 0 = wrap at the borders (else clamp), bit 1 = DirectX convention (green points down).
layout(push_constant) uniform Params { uint width; uint height; float strength; uint flags; } params;

float heightAt(int x, int y)
{
    int w = int(params.width), h = int(params.height);
    if ((params.flags & 1u) != 0u)
    {
        x = ((x % w) + w) % w;
        y = ((y % h) + h) % h;
    }
    else
    {
        x = clamp(x, 0, w - 1);
        y = clamp(y, 0, h - 1);
    }
    return heights[y * w + x];
}

void main()
{
    uvec2 id = gl_GlobalInvocationID.xy;
    if (id.x >= params.width || id.y >= params.height)
        return;
    int x = int(id.x), y = int(id.y);
    float tl = heightAt(x - 1, y - 1), t = heightAt(x, y - 1), tr = heightAt(x + 1, y - 1);
    float l = heightAt(x - 1, y), r = heightAt(x + 1, y);
    float bl = heightAt(x - 1, y + 1), b = heightAt(x, y + 1), br = heightAt(x + 1, y + 1);
    precise float gx = (tr + 2.0 * r + br) - (tl + 2.0 * l + bl);
    precise float gy = (bl + 2.0 * b + br) - (tl + 2.0 * t + tr);
    // Rows grow downwards, so with green pointing up (OpenGL) a height rising down the image tilts the normal up.
    float green = (params.flags & 2u) != 0u ? -gy : gy;
    vec3 n = normalize(vec3(-gx * params.strength, green * params.strength, 1.0));
    imageStore(normals, ivec2(id), quantizeUnorm8(vec4(n * 0.5 + 0.5, 1.0)));
}
