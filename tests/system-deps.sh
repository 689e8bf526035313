#!/bin/sh
# Installs the Debian packages the test suite needs, only when they are missing:
#  - gnome-keyring, dbus (dbus-run-session), libsecret-tools: the real Secret Service test
#  - fonts-noto-cjk: Chinese text in screenshots and GUI tests
#  - libegl1, libgl1, libxkbcommon0, libfontconfig1, libdbus-1-3: what Qt's offscreen platform loads
set -eu
need=""
for pkg in gnome-keyring dbus dbus-x11 libsecret-tools fonts-noto-cjk libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need="$need $pkg"
done
[ -z "$need" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: not a Debian system; please install:$need (the Secret Service test will be skipped)" >&2
    exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "system-deps: installing$need"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
