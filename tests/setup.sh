#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine of this kind (root): the Vulkan driver and loader
# (lavapipe) with its C headers for samples/c-host, validation layers and the GLSL compiler for the GPU tests. Idempotent: skips what is there.
set -euo pipefail
packages=(mesa-vulkan-drivers libvulkan1 libvulkan-dev vulkan-validationlayers glslang-tools)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
