#!/usr/bin/env bash
# Brings the whole ScaleApp topology up with the Aspire dashboard: as containers when Docker or
# Podman responds, otherwise as local processes from the OS packages that this script installs.
# Extra arguments go to the AppHost, for example: scripts/up.sh --ScaleApp:ApiReplicas=5
set -euo pipefail

repository_root=$(cd "$(dirname "$0")/.." && pwd)
"$repository_root/scripts/install-prerequisites.sh"

exec dotnet run --project "$repository_root/ScaleApp.AppHost" --launch-profile http -- "$@"
