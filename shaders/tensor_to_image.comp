#version 450
#extension GL_GOOGLE_include_directive : require
// NCHW tensor (batch 0) in [-1, 1] -> RGBA image. The model's values are display-referred sRGB, so the 8-bit
// output stores them as they are (sample through an _SRGB view) and the half-float output linearises them.
// Built twice by build.sh: tensor_to_image_rgba8.spv and, with -DOUTPUT_RGBA16F, tensor_to_image_rgba16f.spv.
//
// With FUSE_LEVEL1 (even width and height), each invocation converts a 2x2 block and also writes that
// block's mip level 1 pixel, averaged from the values just stored, exactly as mip_downsample.comp would: this
// saves the largest mip pass its reads of level 0. CPU twins: TensorToImage and MipChain.
#include "color.glsl"

// No shared memory or barriers: lavapipe runs workgroups with barriers as coroutines, several times slower.
layout(local_size_x = 16, local_size_y = 16) in;

// true: the buffer holds IEEE half floats, two per 32-bit word (little endian, element 0 in the low half).
layout(constant_id = 0) const bool INPUT_IS_HALF = false;
// A specialisation constant, not a push constant: lavapipe runs both sides of a branch it cannot prove uniform.
layout(constant_id = 1) const bool FUSE_LEVEL1 = false;

layout(set = 0, binding = 0, std430) readonly buffer Tensor { uint words[]; };
#ifdef OUTPUT_RGBA16F
layout(set = 0, binding = 1, rgba16f) writeonly uniform image2D outputImage;
layout(set = 0, binding = 2, rgba16f) writeonly uniform image2D level1;
#else
layout(set = 0, binding = 1, rgba8) writeonly uniform image2D outputImage;
layout(set = 0, binding = 2, rgba8) writeonly uniform image2D level1;
#endif

layout(push_constant) uniform Params { uint width; uint height; uint channels; } params;

float element(uint index)
{
    if (INPUT_IS_HALF)
    {
        vec2 pair = unpackHalf2x16(words[index >> 1]);
        return (index & 1u) == 0u ? pair.x : pair.y;
    }
    return uintBitsToFloat(words[index]);
}

float toUnit(float x)
{
    precise float shifted = (x + 1.0) * 0.5;
    return clamp(shifted, 0.0, 1.0);
}

// Converts and stores one pixel; returns the stored value in linear light (what the mip filter reads back).
vec4 convert(uvec2 pixel)
{
    uint plane = params.width * params.height;
    uint at = pixel.y * params.width + pixel.x;
    vec4 value = vec4(toUnit(element(at)), toUnit(element(plane + at)), toUnit(element(2u * plane + at)), 1.0);
    if (params.channels >= 4u)
        value.a = toUnit(element(3u * plane + at));
#ifdef OUTPUT_RGBA16F
    vec4 linear = srgbToLinear(value);
    imageStore(outputImage, ivec2(pixel), linear);
    // The value as the half-float image holds it.
    return vec4(unpackHalf2x16(packHalf2x16(linear.rg)), unpackHalf2x16(packHalf2x16(linear.ba)));
#else
    vec4 stored = quantizeUnorm8(value);
    imageStore(outputImage, ivec2(pixel), stored);
    return srgbToLinear(stored);
#endif
}

void main()
{
    uvec2 id = gl_GlobalInvocationID.xy;
    if (!FUSE_LEVEL1)
    {
        if (id.x < params.width && id.y < params.height)
            convert(id);
        return;
    }
    uvec2 base = id * 2u;
    if (base.x >= params.width || base.y >= params.height)
        return;
    vec4 top = 0.5 * convert(base) + 0.5 * convert(base + uvec2(1, 0));
    vec4 bottom = 0.5 * convert(base + uvec2(0, 1)) + 0.5 * convert(base + uvec2(1, 1));
    vec4 average = 0.5 * top + 0.5 * bottom;
#ifdef OUTPUT_RGBA16F
    imageStore(level1, ivec2(id), average);
#else
    imageStore(level1, ivec2(id), quantizeUnorm8(linearToSrgb(average)));
#endif
}
