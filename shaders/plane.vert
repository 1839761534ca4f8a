#version 450
#extension GL_GOOGLE_include_directive : require
// Ground plane y = 0, a quad from -half to +half in x and z, drawn as 6 vertices with no vertex buffer.
// u follows +x and v follows +z, the texture repeating scene.plane.y times across.
#include "scene.glsl"

layout(location = 0) out vec2 uv;

const vec2 corners[6] = vec2[](vec2(-1, -1), vec2(1, -1), vec2(1, 1), vec2(-1, -1), vec2(1, 1), vec2(-1, 1));

void main()
{
    vec2 corner = corners[gl_VertexIndex];
    vec3 position = vec3(corner.x, 0.0, corner.y) * scene.plane.x;
    uv = (corner * 0.5 + 0.5) * scene.plane.y;
    gl_Position = scene.viewProjection * vec4(position, 1.0);
}
