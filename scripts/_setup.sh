# Shared by scripts/run and scripts/test: install whatever is missing, idempotently.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

ensure_python() {
  local requirements="$1"
  if [ ! -x "$PY" ]; then
    say "Creating the virtual environment in .venv"
    python3 -m venv "$VENV"
  fi
  local stamp="$VENV/.stamp-$(basename "$requirements")"
  local digest
  digest=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    say "Installing Python packages from $requirements"
    local log="$VENV/pip.log"
    # requirements-nodeps.txt: packages whose declared dependencies are not wanted (pabutools
    # declares the commercial gurobipy); what they need is pinned in requirements.txt.
    if ! { "$PY" -m pip install --quiet --upgrade pip && "$PY" -m pip install --quiet -r "$requirements" \
        && "$PY" -m pip install --quiet --no-deps -r requirements-nodeps.txt; } >"$log" 2>&1; then
      cat "$log" >&2
      echo "pip install failed (log above)." >&2
      exit 1
    fi
    echo "$digest" > "$stamp"
  fi
}

ensure_node_packages() {
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm is needed for the map (Leaflet) and the browser tests (Debian: apt-get install nodejs npm)." >&2
    exit 1
  fi
  local stamp="$ROOT/frontend/node_modules/.stamp"
  local digest
  digest=$(sha256sum frontend/package-lock.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    say "Installing front-end packages (npm ci)"
    (cd frontend && npm ci --no-audit --no-fund --silent)
    echo "$digest" > "$stamp"
  fi
}

compile_translations() {
  if command -v msgfmt >/dev/null 2>&1 && compgen -G "locale/*/LC_MESSAGES/*.po" >/dev/null; then
    "$PY" manage.py compilemessages --ignore=.venv --ignore=frontend -v0
  fi
}

prepare_database() {
  mkdir -p "$ROOT/var"
  "$PY" manage.py migrate --no-input -v0
}
