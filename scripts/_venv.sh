# Sourced by scripts/demo and scripts/test: the project's own virtual environment.
#
#   ensure_venv EXTRAS   # makes or reuses ./.venv, installs Mifin into it (-e ".EXTRAS")
#
# Debian 12 and Ubuntu 24.04 refuse `pip install` outside a virtual environment and ship
# Python without venv's pip (package python3-venv): as root with apt-get (CI, a fresh
# machine) that package is installed, otherwise the command to install it is printed.
# The install is skipped while pyproject.toml is older than the last one (offline
# re-runs start at once); MIFIN_TEST_NO_INSTALL=1 skips it always.
# Sets VENV_PYTHON and puts .venv/bin first on PATH.

VENV_DIR=${VENV_DIR:-.venv}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore

_venv_say() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }

_venv_works() {
  [ -x "$VENV_DIR/bin/python" ] && "$VENV_DIR/bin/python" -m pip --version >/dev/null 2>&1
}

_venv_make() {
  local python=${PYTHON:-python3}
  command -v "$python" >/dev/null 2>&1 || { _venv_say "$python not found: install Python 3.11 or newer"; return 1; }
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    _venv_say "Mifin needs Python 3.11 or newer ($python is $("$python" -V 2>&1))"; return 1; }
  rm -rf "$VENV_DIR"
  if "$python" -m venv "$VENV_DIR" >/dev/null 2>&1; then
    return 0
  fi
  rm -rf "$VENV_DIR"
  # Debian's Python without ensurepip: venv needs python3-venv
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    _venv_say "installing python3-venv"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
  elif [ -t 0 ] && command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    _venv_say "python3-venv is missing: sudo apt-get install python3-venv"
    sudo apt-get install -y -qq --no-install-recommends python3-venv
  else
    _venv_say "cannot make $VENV_DIR: install python3-venv (apt-get install python3-venv)"
    return 1
  fi
  "$python" -m venv "$VENV_DIR"
}

ensure_venv() {
  local extras=${1:-}
  if ! _venv_works; then
    if [ -n "${MIFIN_TEST_NO_INSTALL:-}" ]; then
      _venv_say "no working $VENV_DIR (MIFIN_TEST_NO_INSTALL set: using ${PYTHON:-python3})"
      VENV_PYTHON=$(command -v "${PYTHON:-python3}")
      export PATH="$(dirname "$VENV_PYTHON"):$PATH"
      return 0
    fi
    _venv_say "making the virtual environment $VENV_DIR"
    _venv_make || return 1
  fi
  VENV_PYTHON=$VENV_DIR/bin/python
  local stamp="$VENV_DIR/.mifin-installed${extras:+-$extras}"
  if [ -z "${MIFIN_TEST_NO_INSTALL:-}" ] && { [ ! -e "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; }; then
    _venv_say "installing Mifin${extras:+ [$extras]} into $VENV_DIR"
    "$VENV_PYTHON" -m pip install -q -e ".${extras:+[$extras]}"
    touch "$stamp"
  fi
  PATH="$(cd "$VENV_DIR/bin" && pwd):$PATH"
  export PATH
}
