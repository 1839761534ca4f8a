#version 450
#extension GL_GOOGLE_include_directive : require
// NCHW tensor (batch 0) in [-1, 1] -> RGBA image. The model's values are display-referred sRGB, so the 8-bit
// output stores them as they are (sample through an _SRGB view) and the half-float output linearises them.
// Built twice by build.sh: tensor_to_image_rgba8.spv and, with -DOUTPUT_RGBA16F, tensor_to_image_rgba16f.spv.
#include "color.glsl"

layout(local_size_x = 8, local_size_y = 8) in;

// true: the buffer holds IEEE half floats, two per 32-bit word (little endian, element 0 in the low half).
layout(constant_id = 0) const bool INPUT_IS_HALF = false;

layout(set = 0, binding = 0, std430) readonly buffer Tensor { uint words[]; };
#ifdef OUTPUT_RGBA16F
layout(set = 0, binding = 1, rgba16f) writeonly uniform image2D outputImage;
#else
layout(set = 0, binding = 1, rgba8) writeonly uniform image2D outputImage;
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

void main()
{
    uvec2 pixel = gl_GlobalInvocationID.xy;
    if (pixel.x >= params.width || pixel.y >= params.height)
        return;
    uint plane = params.width * params.height;
    uint at = pixel.y * params.width + pixel.x;
    vec4 value = vec4(toUnit(element(at)), toUnit(element(plane + at)), toUnit(element(2u * plane + at)), 1.0);
    if (params.channels >= 4u)
        value.a = toUnit(element(3u * plane + at));
#ifdef OUTPUT_RGBA16F
    imageStore(outputImage, ivec2(pixel), srgbToLinear(value));
#else
    imageStore(outputImage, ivec2(pixel), quantizeUnorm8(value));
#endif
}
