#!/usr/bin/env bash
# Runs the registration benchmark: interleaved pairs of fresh topologies (queue, then email in the
# request), wrk against POST /api/users on the loopback gateway, and the worker's drain rate.
# Writes bench/results/registration-<date>.json and prints a Markdown table. About 6 minutes on
# 2 cores. Options go to the driver, for example: bench/registration/run.sh --pairs=2 --duration=8
set -euo pipefail

repository_root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repository_root"

command -v wrk >/dev/null || { echo "wrk is missing; install it (apt-get install wrk) and run again." >&2; exit 1; }

dotnet build bench/registration/RegistrationBench.csproj -c Release --nologo -v:q
exec timeout 15m dotnet bench/registration/bin/Release/net10.0/RegistrationBench.dll --out="$repository_root/bench/results" "$@"
