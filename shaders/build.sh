#!/usr/bin/env bash
# Compiles every shader in this folder to SPIR-V beside its source (or into the folder given as $1).
# The .spv files are committed and embedded in Seedtex.Vulkan, so nothing compiles shaders at run time;
# tests/Seedtex.Vulkan.Tests runs this script into a temporary folder and fails when a committed .spv is stale.
# Needs glslangValidator (Debian/Ubuntu: glslang-tools).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here}"
mkdir -p "$out"

compile() { # source output [defines...]
    local source="$1" output="$2"
    shift 2
    glslangValidator -V --target-env vulkan1.1 --quiet "$@" -o "$out/$output" "$here/$source" >/dev/null
}

compile tensor_to_image.comp tensor_to_image_rgba8.spv
compile tensor_to_image.comp tensor_to_image_rgba16f.spv -DOUTPUT_RGBA16F
compile mip_downsample.comp mip_downsample_rgba8.spv
compile mip_downsample.comp mip_downsample_rgba16f.spv -DFORMAT_RGBA16F
compile equirect_to_cube.comp equirect_to_cube_rgba8.spv
compile equirect_to_cube.comp equirect_to_cube_rgba16f.spv -DFORMAT_RGBA16F
compile normal_from_height.comp normal_from_height.spv
for stage in vert frag; do
    for source in "$here"/*."$stage"; do
        [ -e "$source" ] || continue
        name="$(basename "$source")"
        compile "$name" "${name%.*}_$stage.spv"
    done
done
