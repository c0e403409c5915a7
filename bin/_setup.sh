# Sourced by bin/run and bin/test: a virtualenv in .venv with the pinned requirements, made once
# and refreshed only when a requirements file changes. Safe to run any number of times.
# Usage: source bin/_setup.sh requirements.txt|requirements-dev.txt

gw_need_root_or_say() {
  if [ "$(id -u)" != 0 ]; then
    echo "Missing system package(s): $*. Install them with your package manager (e.g. sudo apt-get install $*) and rerun." >&2
    exit 1
  fi
}

gw_apt_install() {
  gw_need_root_or_say "$@"
  if [ -z "${GW_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    GW_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

gw_setup_venv() {
  local requirements="$1"
  local python="${PYTHON:-python3}"
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Python 3.11 or newer is needed (found: $("$python" --version 2>&1))." >&2
    exit 1
  fi
  if [ ! -x .venv/bin/python ]; then
    if ! "$python" -m venv .venv 2>/dev/null; then
      rm -rf .venv
      gw_apt_install python3-venv
      "$python" -m venv .venv
    fi
    .venv/bin/python -m pip install -q --upgrade pip
  fi
  local stamp=".venv/.installed-$(basename "$requirements" .txt)"
  local want
  want=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "Installing Python packages from $requirements ..."
    .venv/bin/python -m pip install -q --disable-pip-version-check -r "$requirements"
    echo "$want" >"$stamp"
  fi
}
