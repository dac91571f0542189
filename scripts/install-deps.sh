#!/usr/bin/env bash
# install-deps.sh - installs the Debian packages the tests and the peers need, only when something is missing.
set -euo pipefail
PACKAGES=(
  apache2 libapache2-mod-auth-tkt faketime          # the real mod_auth_tkt peer
  python3-beaker python3-pycryptodome python3-cryptography python3-nacl python3-pyramid libsodium23  # Beaker / Pyramid / NaCl peers
  redis-server postgresql                           # real stores
  chromium                                          # the browser end-to-end test
  wrk                                               # the HTTP benchmark
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The Debian packages start system services on install; the tests use their own instances on other ports.
