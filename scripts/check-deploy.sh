#!/usr/bin/env bash
# Validates deploy/ with Prometheus' own promtool: the alert rules parse
# (`check rules`) and behave as their unit tests say (`test rules`), the
# example scrape configuration parses, and every query of the Grafana
# dashboard parses (as a rules file generated from it). That the queries name
# only series the service exports is test/deploy/deploy-queries.test.ts.
#
# promtool comes from Debian's `prometheus` package at a pinned version
# (sha256-checked): only the binary is extracted from the .deb, so nothing is
# installed system-wide and no Prometheus server is started. It is kept in
# the user's cache; later runs take well under a second.
set -euo pipefail

VERSION="2.42.0+ds-5+deb12u1"
SHA256="81d59a24fce84f7fbe97a45a4f2914b6a5881b5cd1db2a6a0e129e515e1a5f55"
PROMTOOL="${XDG_CACHE_HOME:-$HOME/.cache}/nonstop-ingest/promtool-$VERSION/promtool"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

install_promtool() {
  local tmp
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  echo "check-deploy: installing promtool $VERSION at $PROMTOOL" >&2
  download() { (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "prometheus=$VERSION" >&2); }
  # A fresh machine may have no package lists yet.
  download || { apt-get update -qq >&2 && download; } \
    || { echo "check-deploy: Debian no longer serves prometheus=$VERSION; pin the version apt-cache policy prometheus names" >&2; exit 1; }
  local deb got
  deb="$(echo "$tmp"/prometheus_*.deb)"
  got="$(sha256sum "$deb" | cut -d' ' -f1)"
  [[ "$got" == "$SHA256" ]] || { echo "check-deploy: $(basename "$deb") has sha256 $got, expected $SHA256" >&2; exit 1; }
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" ./usr/bin/promtool
  install -D -m 0755 "$tmp/usr/bin/promtool" "$PROMTOOL"
}

[[ -x "$PROMTOOL" ]] || install_promtool

cd "$ROOT"
"$PROMTOOL" check rules deploy/prometheus/alerts.yml
"$PROMTOOL" test rules deploy/prometheus/alerts.test.yml
# --syntax-only: the example names a token file that exists only where Prometheus runs.
"$PROMTOOL" check config --syntax-only deploy/prometheus/prometheus.yml
dashboard_rules="$(mktemp --suffix=.yml)"
trap 'rm -f "$dashboard_rules"' EXIT
node --import tsx scripts/dashboard-rules.ts deploy/grafana/nonstop-ingest.json >"$dashboard_rules"
"$PROMTOOL" check rules "$dashboard_rules"
echo "check-deploy: alert rules, their tests, the scrape config and the dashboard's queries pass promtool $VERSION"
