#!/usr/bin/env bash
# System packages a few tests need, from the Debian registry, installed only when missing:
# Java for the Spark test, Chromium, its driver and a Japanese font for the page's browser
# test (its screenshots show Japanese text, not empty boxes).
# Without root or passwordless sudo it only says what is missing: locally those tests
# skip with the same hint; under CI (CI=1) they fail instead.
set -euo pipefail
missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
{ command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=ja 2>/dev/null)" ]; } || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "note: missing ${missing[*]} (apt-get install ${missing[*]}); the tests that need them will skip" >&2
    exit 0
fi
echo "installing ${missing[*]} (Debian packages)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
