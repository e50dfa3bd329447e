#!/usr/bin/env bash
# Installs what local-process mode needs on Debian or Ubuntu: the servers ScaleApp runs
# (PostgreSQL, PgBouncer, Redis, RabbitMQ, an SMTP sink), wrk for the benchmarks, and restores
# the .NET packages. Installs with apt-get when it can (as root, or with password-less sudo);
# otherwise prints the exact command and stops.
set -euo pipefail

packages=(postgresql pgbouncer redis-server rabbitmq-server python3-aiosmtpd postgresql-client wrk)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query --show --showformat='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if (( ${#missing[@]} > 0 )); then
  install_command="apt-get update && apt-get install -y ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then
    echo "Installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  elif command -v sudo > /dev/null && sudo -n true 2> /dev/null; then
    echo "Installing ${missing[*]} with sudo"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "Missing packages: ${missing[*]}" >&2
    echo "Install them with: sudo sh -c '$install_command'" >&2
    exit 1
  fi
fi

# The Debian packages would start their own services where systemd runs; ScaleApp starts its own
# servers per run on other ports, so those services are not needed.

if ! command -v dotnet > /dev/null; then
  echo "The .NET SDK 10 is missing: install it from https://dot.net (package 'dotnet-sdk-10.0')." >&2
  exit 1
fi

repository_root=$(cd "$(dirname "$0")/.." && pwd)
dotnet restore "$repository_root/ScaleApp.sln" --verbosity quiet
