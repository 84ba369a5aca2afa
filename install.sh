#!/usr/bin/env bash
# Install what nianbao needs on a Debian/Ubuntu machine: the Debian packages, then the
# Python package (editable, with its test extras). Safe to run again.
#   chromium                  scrapy-playwright renders JavaScript-built pages with it
#   libreoffice-writer-nogui  converts .doc reports
#   fonts-wqy-microhei        CJK font for the local web's generated PDFs
#   redis-server              the distributed crawl mode (and its tests)
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
APT_PACKAGES="chromium libreoffice-writer-nogui fonts-wqy-microhei redis-server"
missing=""
for p in $APT_PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq $missing
fi
python3 -m pip install -q -e ".[test]"
