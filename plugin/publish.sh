#!/usr/bin/env bash
# Publishes the native plugin (NativeAOT, C ABI) for this platform into artifacts/plugin/<rid>/:
# seedtex.so (or .dll/.dylib) and ONNX Runtime's native library beside it, which the plugin loads from its own folder,
# and the default model as models/seedtex-tiny, where the plugin looks when the host names no model.
set -euo pipefail
cd "$(dirname "$0")/.."
rid="${1:-linux-x64}"
dotnet publish plugin/Seedtex.Native -c Release -r "$rid" -o "artifacts/plugin/$rid" --nologo -v q
rm -f "artifacts/plugin/$rid"/*.pdb "artifacts/plugin/$rid"/*.dbg
mkdir -p "artifacts/plugin/$rid/models"
rm -rf "artifacts/plugin/$rid/models/seedtex-tiny"
cp -r plugin/models/seedtex-tiny "artifacts/plugin/$rid/models/seedtex-tiny"
rm -f "artifacts/plugin/$rid/models/seedtex-tiny/.seedtex-fingerprint.json"
ls -la "artifacts/plugin/$rid"
