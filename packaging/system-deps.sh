#!/bin/sh
# Installs the Debian packages imagestudio needs, only the missing ones.
#   system-deps.sh run   what Qt's xcb platform plugin loads on a desktop (a stock Debian lacks
#                        libxcb-icccm4 / libxcb-keysyms1, and Qt then blames libxcb-cursor0 misleadingly), and
#                        a CJK font when no installed font covers Chinese (the interface is Chinese-first: without
#                        one the placeholder and every Chinese prompt are boxes)
#   system-deps.sh test  the above plus: gnome-keyring, dbus, libsecret-tools (the real Secret Service
#                        test), fonts-noto-cjk (Chinese text in GUI tests and screenshots), xvfb + xauth +
#                        xdotool + openbox (tests/test_xdrag.py: a real mouse drags thumbnails into another program),
#                        exiftool (tests/test_xmp_exiftool.py: what we export, another tool reads)
#   system-deps.sh package  `make package` / `package-test`: the libraries the bundle links to (dpkg-shlibdeps
#                        reads Depends from them), PyInstaller's binutils, patchelf, dpkg-dev, the validators
#                        (desktop-file-utils, appstream, lintian), gnome-keyring + dbus + xvfb for the smoke test
set -eu
mode="${1:-run}"
pkgs="libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 \
libxcb-randr0 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0 libxkbcommon0 libegl1 libgl1 libfontconfig1 libdbus-1-3"
if [ "$mode" = "test" ]; then
    pkgs="$pkgs gnome-keyring dbus dbus-x11 libsecret-tools fonts-noto-cjk xvfb xauth xdotool openbox \
libimage-exiftool-perl"
elif [ "$mode" = "run" ] && ! { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh family 2>/dev/null)" ]; }; then
    pkgs="$pkgs fonts-noto-cjk"  # any font that covers Chinese will do; Noto Sans CJK when there is none
fi
if [ "$mode" = "package" ]; then
    pkgs="$pkgs libwayland-client0 libwayland-cursor0 libwayland-egl1 libxcb-util1 libx11-xcb1 \
binutils patchelf dpkg-dev desktop-file-utils appstream lintian gnome-keyring dbus xvfb xauth"
fi
command -v dpkg-query >/dev/null 2>&1 || { echo "system-deps: not a Debian system; skipping ($pkgs)" >&2; exit 0; }
need=""
for pkg in $pkgs; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need="$need $pkg"
done
[ -z "$need" ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "system-deps: please install as root:$need" >&2; exit 0
    fi
fi
echo "system-deps: installing$need"
$SUDO apt-get update -qq || true
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
