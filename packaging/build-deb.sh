#!/usr/bin/env bash
# Builds dist/imagestudio/ (PyInstaller onedir) and dist/imagestudio_<version>_<arch>.deb, validates them
# (desktop-file-validate, appstreamcli, lintian: any error fails the build) and prints both sizes.
#
#   PYTHON=.venv/bin/python DEB_COMPRESS=xz|gzip packaging/build-deb.sh     (normally via `make package`)
#
# xz is for releases (smallest download, ~2 min on 2 cores); gzip -1 for CI smoke tests (seconds). Not zstd,
# though dpkg installs it: Debian 12's lintian rejects zstd members as a malformed archive.
# Build on the oldest Debian/Ubuntu you support: the bundle needs the glibc it was built against.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
COMPRESS=${DEB_COMPRESS:-xz}
started=$SECONDS
step() { printf '\n== %s (%ss)\n' "$1" "$((SECONDS - started))"; }

version=$("$PYTHON" packaging/debian_meta.py version)
app_id=$("$PYTHON" packaging/debian_meta.py app-id)
arch=$(dpkg --print-architecture)
deb="dist/imagestudio_${version}_${arch}.deb"
root=build/deb/root

step "icons from resources/icons/imagestudio.svg"
rm -rf build/icons
"$PYTHON" packaging/render_icons.py build/icons >/dev/null

step "PyInstaller bundle -> dist/imagestudio/"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
    packaging/imagestudio.spec

step "staging the package tree"
rm -rf build/deb
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin"
cp -a dist/imagestudio "$root/opt/imagestudio"
# Shared objects are loaded, never executed: lintian wants them 0644. Nothing group/other-writable.
find "$root/opt/imagestudio" -type f -name '*.so*' -exec chmod 0644 {} +
chmod -R u+rwX,go+rX,go-w "$root"
ln -s /opt/imagestudio/imagestudio "$root/usr/bin/imagestudio"
install -Dm644 "packaging/linux/$app_id.desktop" "$root/usr/share/applications/$app_id.desktop"
install -Dm644 "packaging/linux/$app_id.metainfo.xml" "$root/usr/share/metainfo/$app_id.metainfo.xml"
mkdir -p "$root/usr/share/icons"
cp -r build/icons/hicolor "$root/usr/share/icons/hicolor"
find "$root/usr/share/icons" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
install -Dm644 packaging/linux/copyright "$root/usr/share/doc/imagestudio/copyright"
"$PYTHON" packaging/debian_meta.py changelog build/deb/changelog
gzip -9nc build/deb/changelog >"$root/usr/share/doc/imagestudio/changelog.gz"
"$PYTHON" packaging/debian_meta.py licenses "$root/usr/share/doc/imagestudio/licenses"
install -d "$root/usr/share/man/man1"
gzip -9nc packaging/linux/imagestudio.1 >"$root/usr/share/man/man1/imagestudio.1.gz"
install -Dm644 packaging/linux/lintian-overrides "$root/usr/share/lintian/overrides/imagestudio"
find "$root/usr/share/doc" "$root/usr/share/man" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +

step "RUNPATHs that point outside the bundle (the build host's Python prefix) removed"
"$PYTHON" packaging/debian_meta.py elf-files "$root/opt/imagestudio" | while read -r elf; do
    rpath=$(patchelf --print-rpath "$elf" 2>/dev/null) || continue
    [ -n "$rpath" ] || continue
    kept=$(printf '%s' "$rpath" | tr ':' '\n' | grep '^\$ORIGIN' | paste -sd: || true)
    if [ "$kept" != "$rpath" ]; then
        if [ -n "$kept" ]; then patchelf --set-rpath "$kept" "$elf"; else patchelf --remove-rpath "$elf"; fi
    fi
done

step "Depends from the libraries the bundle links to (dpkg-shlibdeps over every ELF file)"
mkdir -p build/deb/shlibs/debian
printf 'Source: imagestudio\n\nPackage: imagestudio\nArchitecture: any\n' >build/deb/shlibs/debian/control
mapfile -t elves < <("$PYTHON" packaging/debian_meta.py elf-files "$PWD/$root/opt/imagestudio")
mapfile -t bundle_dirs < <(find "$PWD/$root/opt/imagestudio/_internal" -name '*.so*' -printf '-l%h\n' | sort -u)
# -l: libraries inside the bundle satisfy each other; --ignore-missing-info: they have no shlibs files.
shlibs=$(cd build/deb/shlibs && dpkg-shlibdeps -O --warnings=0 --ignore-missing-info "${bundle_dirs[@]}" \
    "${elves[@]/#/-e}")
shlib_depends=${shlibs#shlibs:Depends=}
[ -n "$shlib_depends" ] && [ "$shlib_depends" != "$shlibs" ] || { echo "dpkg-shlibdeps found nothing" >&2; exit 1; }
# Not linked, but loaded at run time: the TLS trust store (openai verifies against the OS store), the OpenGL
# libraries Qt's xcb plugin dlopens.
depends=$shlib_depends
for extra in ca-certificates libgl1 libegl1; do
    case ", $depends," in *", $extra,"* | *", $extra ("*) ;; *) depends="$depends, $extra" ;; esac
done

step "control file"
installed_kib=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<EOF
Package: imagestudio
Version: $version
Architecture: $arch
Maintainer: imagestudio developers <imagestudio@users.noreply.github.com>
Installed-Size: $installed_kib
Depends: $depends
Recommends: gnome-keyring | kwalletmanager
Suggests: fonts-noto-cjk
Section: graphics
Priority: optional
Description: make and keep images with the OpenAI Images API
 Type a prompt in Chinese or English, press Generate, and every result is
 kept, byte-exact as the API sent it, in a local library you can browse.
 API keys are stored in the system keyring (Secret Service), never in a
 file. An offline demo provider lets you try the app without an account,
 and a command line (imagestudio generate) shares the same library.
 .
 This package is a self-contained build: Python, Qt and the other Python
 libraries the app uses are bundled under /opt/imagestudio.
EOF
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

step "dpkg-deb ($COMPRESS) -> $deb"
rm -f dist/imagestudio_*.deb
case "$COMPRESS" in
    xz) dpkg-deb --root-owner-group -Zxz -z9 --build "$root" "$deb" ;;
    gzip) dpkg-deb --root-owner-group -Zgzip -z1 --build "$root" "$deb" ;;
    *) echo "DEB_COMPRESS must be xz or gzip, not $COMPRESS" >&2; exit 2 ;;
esac

step "desktop-file-validate"
desktop-file-validate "$root/usr/share/applications/$app_id.desktop"
step "appstreamcli validate --no-net"
appstreamcli validate --no-net "$root/usr/share/metainfo/$app_id.metainfo.xml"
step "lintian (fails on errors and warnings; inherent bundling findings: packaging/linux/lintian-overrides)"
lintian --fail-on error,warning --tag-display-limit 0 "$deb"

bundle_mb=$(du -sm "$root/opt/imagestudio" | cut -f1)
deb_mb=$(( ($(stat -c %s "$deb") + 524287) / 1048576 ))
step "done"
echo "installed bundle (/opt/imagestudio): ${bundle_mb} MiB"
echo "package ($deb, $COMPRESS): ${deb_mb} MiB"
echo "built in $((SECONDS - started)) s"
