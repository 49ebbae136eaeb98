#!/usr/bin/env bash
# Makes this machine able to run the whole test suite, or says exactly what is missing and fails.
# Run by `npm test` (pretest) and therefore by .ci/run. It never lets the suite start without its peers:
# the probe's tests run against a real xrdp and would fail deep inside instead.
#
# Needs: xrdp (Debian/Ubuntu package `xrdp`), and /etc/xrdp/rsakeys.ini readable by the user running the
# tests (xrdp reads it at every start; the package's postinst creates it readable by root only); Chromium
# (Debian package `chromium`, at /usr/bin/chromium or $CHROMIUM_PATH) for the status page's browser test,
# which playwright-core drives (never `npx playwright install`: the distribution's build is the one tested).
# As root on Debian/Ubuntu it installs what is missing with apt-get; anywhere else it only checks.
set -euo pipefail

RSA_KEYS=/etc/xrdp/rsakeys.ini
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
export PATH="$PATH:/usr/sbin:/sbin:/usr/local/sbin"

missing() {
  local problems=()
  command -v xrdp >/dev/null 2>&1 || problems+=("xrdp is not installed (the RDP probe tests start a real xrdp on 127.0.0.1)")
  if [ -e "$RSA_KEYS" ] && [ ! -r "$RSA_KEYS" ]; then
    problems+=("$RSA_KEYS is not readable by $(id -un): xrdp will not start (run the tests as root, or make it readable)")
  elif [ ! -e "$RSA_KEYS" ] && command -v xrdp >/dev/null 2>&1; then
    problems+=("$RSA_KEYS is missing: xrdp will not start (create it as root: xrdp-keygen xrdp auto $RSA_KEYS)")
  fi
  [ -x "$CHROMIUM" ] || problems+=("$CHROMIUM is missing (the status page test renders it in Chromium; Debian package chromium)")
  if [ "${#problems[@]}" -gt 0 ]; then printf '%s\n' "${problems[@]}"; fi
}

is_debian_like() {
  [ -r /etc/os-release ] || return 1
  # shellcheck disable=SC1091
  . /etc/os-release
  case " ${ID:-} ${ID_LIKE:-} " in *" debian "* | *" ubuntu "*) return 0 ;; *) return 1 ;; esac
}

problems=$(missing)
if [ -z "$problems" ]; then
  exit 0
fi

if [ "$(id -u)" = "0" ] && is_debian_like && command -v apt-get >/dev/null 2>&1; then
  echo "test set-up: installing the test peers (xrdp, chromium) with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends xrdp chromium >/dev/null
  # The package's postinst makes the key file; without it (a package installed with --no-triggers, say) do it here.
  if [ ! -e "$RSA_KEYS" ] && command -v xrdp-keygen >/dev/null 2>&1; then xrdp-keygen xrdp auto "$RSA_KEYS" >/dev/null; fi
  problems=$(missing)
  if [ -z "$problems" ]; then
    exit 0
  fi
fi

{
  echo "test set-up: this machine cannot run the test suite:"
  printf '%s\n' "$problems" | sed 's/^/  - /'
  if [ "$(id -u)" != "0" ] || ! is_debian_like; then
    echo "On Debian/Ubuntu, run the tests as root and this set-up installs what is missing (apt-get install -y xrdp chromium);"
    echo "elsewhere install xrdp 0.9 and Chromium from your distribution, make $RSA_KEYS readable by this user, and"
    echo "set CHROMIUM_PATH if Chromium is not at /usr/bin/chromium."
  fi
} >&2
exit 1
