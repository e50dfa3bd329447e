#!/usr/bin/env bash
# Runs every test: unit tests, and distributed tests that start the real topology as local
# processes on ports of their own. Extra arguments go to dotnet test, for example:
#   scripts/test.sh --filter "FullyQualifiedName~Unit"
set -euo pipefail

repository_root=$(cd "$(dirname "$0")/.." && pwd)
"$repository_root/scripts/install-prerequisites.sh"

exec dotnet test "$repository_root/ScaleApp.sln" --no-restore "$@"
