#!/usr/bin/env bash
# The Python client's test environment: clients/python/.venv (git-ignored)
# with the pinned requirements-dev.txt and the client installed editable.
# Recreated when requirements-dev.txt or pyproject.toml changed (a checksum
# of both is kept in the venv), otherwise left as it is, so it is quick to
# call before every test run. Needs python3 (3.10+) and PyPI.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

CLIENT_DIR="$REPO_ROOT/clients/python"
VENV="$CLIENT_DIR/.venv"
STAMP="$VENV/.inputs.sha256"
inputs="$(cat "$CLIENT_DIR/requirements-dev.txt" "$CLIENT_DIR/pyproject.toml" | sha256sum | cut -d' ' -f1)"

if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$inputs" ]]; then exit 0; fi

note "creating $VENV (python client tests)"
rm -rf "$VENV"
python3 -m venv "$VENV"
pip=("$VENV/bin/python" -m pip --disable-pip-version-check --quiet)
"${pip[@]}" install -r "$CLIENT_DIR/requirements-dev.txt"
# hatchling is in requirements-dev.txt: no build isolation, so nothing unpinned is fetched
"${pip[@]}" install --no-deps --no-build-isolation --editable "$CLIENT_DIR"
echo "$inputs" >"$STAMP"
