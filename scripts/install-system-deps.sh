#!/usr/bin/env bash
# Installs the Debian packages whose servers the tests start on loopback:
# Prometheus, Alertmanager, VictoriaMetrics, Redis, PostgreSQL, docker-compose (for
# `config` validation only), and Chromium for the console's browser tests. Without
# root, prints what is missing: those tests are then skipped with a reason locally
# (and fail under CI=true).
#
# `install-system-deps.sh venv` only makes sure Python can create a venv (Debian
# ships ensurepip in a separate package, python3.X-venv).
set -euo pipefail

python="${PYTHON:-$(command -v python3.11 || command -v python3)}"
missing=()
if [ "${1:-}" = "venv" ]; then
  "$python" -c "import ensurepip" 2>/dev/null && exit 0
  version=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  missing=("python${version}-venv")
else
  packages=(prometheus prometheus-alertmanager victoria-metrics redis-server postgresql
            docker-compose nginx openssl wrk chromium chromium-driver fonts-liberation)
  for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: no apt-get; missing: ${missing[*]} (their tests will be skipped)" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    echo "install-system-deps: not root; missing: ${missing[*]} (install them, or their tests are skipped)" >&2
    exit 0
  fi
fi
echo "install-system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packages start their own services; the tests run their own instances instead.
for svc in prometheus prometheus-alertmanager victoria-metrics redis-server postgresql nginx; do
  $sudo systemctl stop "$svc" >/dev/null 2>&1 || $sudo service "$svc" stop >/dev/null 2>&1 || true
done
