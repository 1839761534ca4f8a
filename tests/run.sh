#!/usr/bin/env bash
# Runs every test of the solution (unit, ONNX Runtime, Vulkan on lavapipe, multi-process) and ends with one
# summary line "N passed, N failed, N skipped". Usage: tests/run.sh [extra dotnet test arguments]
set -uo pipefail
cd "$(dirname "$0")/.."
tests/setup.sh || exit 1
log=$(mktemp)
dotnet build Plugin.sln -c Release --nologo -v q 2>&1 | grep -E "error|Warn|Error" ; [ "${PIPESTATUS[0]}" -eq 0 ] || exit 1
dotnet test Plugin.sln -c Release --no-build --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# Sum the per-project result lines ("Passed!  - Failed: 0, Passed: 12, Skipped: 0, ...").
summary=$(grep -E '(Passed|Failed)! +- Failed: ' "$log" | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/' |
  awk '{f+=$1; p+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped\n", p, f, s}')
rm -f "$log"
echo "$summary"
exit "$status"
