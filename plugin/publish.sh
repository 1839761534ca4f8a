#!/usr/bin/env bash
# Publishes the native plugin (NativeAOT, C ABI) for this platform into artifacts/plugin/<rid>/:
# seedtex.so (or .dll/.dylib) and ONNX Runtime's native library beside it, which the plugin loads from its own folder,
# and the default model as models/seedtex-tiny, where the plugin looks when the host names no model; then the same
# files into the Unity package's Plugins folder (git-ignored build output).
set -euo pipefail
cd "$(dirname "$0")/.."
rid="${1:-linux-x64}"
dotnet publish plugin/Seedtex.Native -c Release -r "$rid" -o "artifacts/plugin/$rid" --nologo -v q
rm -f "artifacts/plugin/$rid"/*.pdb "artifacts/plugin/$rid"/*.dbg
mkdir -p "artifacts/plugin/$rid/models"
rm -rf "artifacts/plugin/$rid/models/seedtex-tiny"
cp -r plugin/models/seedtex-tiny "artifacts/plugin/$rid/models/seedtex-tiny"
rm -f "artifacts/plugin/$rid/models/seedtex-tiny/.seedtex-fingerprint.json"

# The Unity package ships the same files in Unity's Plugins layout (one folder per platform and architecture).
case "$rid" in
  linux-x64) unity="plugin/unity/Plugins/x86_64"; library=seedtex.so; unity_library=libseedtex.so ;;
  win-x64) unity="plugin/unity/Plugins/x86_64"; library=seedtex.dll; unity_library=seedtex.dll ;;
  osx-arm64) unity="plugin/unity/Plugins/macOS"; library=seedtex.dylib; unity_library=libseedtex.dylib ;;
  *) unity="" ;;
esac
if [ -n "$unity" ]; then
  rm -rf "$unity"
  mkdir -p "$unity"
  cp "artifacts/plugin/$rid/$library" "$unity/$unity_library"
  cp "artifacts/plugin/$rid"/*onnxruntime* "$unity/"
  cp -r "artifacts/plugin/$rid/models" "$unity/models"
fi
ls -la "artifacts/plugin/$rid"
