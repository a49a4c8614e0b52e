#!/usr/bin/env bash
# The test command. The tests start their own throwaway PostgreSQL from the machine's server
# binaries (or use ECOSYSTEM_TEST_POSTGRES, a connection string allowed to create databases), so
# this makes sure those binaries exist, then runs every test of the solution.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${ECOSYSTEM_TEST_POSTGRES:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "PostgreSQL server binaries are missing: installing them (apt-get install -y postgresql)"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
fi

# The browser tests (tests/Ecosystem.Browser.Tests) drive Debian's Chromium; they fail, never skip, without it.
if [ ! -x /usr/bin/chromium ] && { [ "${CI:-}" = "true" ] || [ "$(id -u)" -eq 0 ]; }; then
  echo "Chromium is missing: installing it for the browser tests (apt-get install -y chromium)"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

dotnet test Ecosystem.Orleans.sln "$@"
