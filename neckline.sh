#!/usr/bin/env bash
# Sets up neckline (first run only) and runs it: ./neckline.sh [COMMAND ARGS...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/scripts/bootstrap.sh" ""
exec "$here/.venv/bin/neckline" "$@"
