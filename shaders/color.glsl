// Colour-space helpers shared by the compute kernels. The CPU twins in Seedtex.Imaging (ColorSpace.cs) use the
// same formulas in the same float order, so GPU and CPU results agree bit for bit or within one 8-bit step.

float srgbToLinear(float v)
{
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

float linearToSrgb(float l)
{
    return l <= 0.0031308 ? l * 12.92 : 1.055 * pow(l, 1.0 / 2.4) - 0.055;
}

vec4 srgbToLinear(vec4 c)
{
    return vec4(srgbToLinear(c.r), srgbToLinear(c.g), srgbToLinear(c.b), c.a);
}

vec4 linearToSrgb(vec4 c)
{
    return vec4(linearToSrgb(c.r), linearToSrgb(c.g), linearToSrgb(c.b), c.a);
}

// Rounds to the 8-bit step the CPU twin picks (floor(v * 255 + 0.5)) and returns it as a float the UNORM store
// converts back exactly. 'precise' stops the compiler fusing the multiply-add, which would change the rounding.
vec4 quantizeUnorm8(vec4 v)
{
    precise vec4 scaled = clamp(v, 0.0, 1.0) * 255.0;
    precise vec4 rounded = floor(scaled + 0.5);
    return rounded / 255.0;
}
