#!/usr/bin/env bash
# Installed-build smoke test (`make package-test`, run by .ci/run). Installs the .deb that packaging/build-deb.sh
# made, uses the installed app the way a person and a script would, purges it and checks nothing is left behind.
#
#   PYTHON=.venv/bin/python packaging/smoke_test.sh
#
# PYTHON (the build venv) runs only the helpers: tests/simulator.py (the loopback OpenAI-compatible server) and
# PyInstaller's archive viewer. The app itself always runs from /usr/bin/imagestudio, with a clean environment
# (env -i) and a throw-away HOME, so nothing of the checkout or of the caller's session leaks in.
# Needs root (dpkg), dbus-run-session, gnome-keyring-daemon and xvfb-run (packaging/system-deps.sh package).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
started=$SECONDS

version=$("$PYTHON" packaging/debian_meta.py version)
app_id=$("$PYTHON" packaging/debian_meta.py app-id)
deb="dist/imagestudio_${version}_$(dpkg --print-architecture).deb"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

checks=0
ok() { checks=$((checks + 1)); printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*" >&2; exit 1; }
installed() { [[ "$(dpkg-query -W -f='${Status}' imagestudio 2>/dev/null)" == *"ok installed" ]]; }

[ -f "$deb" ] || fail "$deb not found: run make package first"
installed && fail "imagestudio is already installed on this machine; purge it first (dpkg --purge imagestudio)"

work=$(mktemp -d)
home="$work/home"
mkdir -m 700 "$home" "$work/run"
sim_pid=""
we_installed=""
cleanup() {
    if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; fi
    if [ -n "$we_installed" ] && installed; then $SUDO dpkg --purge imagestudio >/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# The installed app as a user starts it: nothing from this shell but PATH, a fresh HOME and a private runtime dir.
app() {
    env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$home" XDG_RUNTIME_DIR="$work/run" LANG=C.UTF-8 \
        QT_QPA_PLATFORM=offscreen "$@"
}

system_paths=(
    /opt/imagestudio /usr/bin/imagestudio "/usr/share/applications/$app_id.desktop"
    "/usr/share/metainfo/$app_id.metainfo.xml" /usr/share/doc/imagestudio /usr/share/man/man1/imagestudio.1.gz
    /usr/share/lintian/overrides/imagestudio "/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
)
for size in 16 22 24 32 48 64 128 256 512; do
    system_paths+=("/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png")
done
for path in "${system_paths[@]}"; do
    [ ! -e "$path" ] && [ ! -L "$path" ] || fail "$path exists before installing"
done

echo "== install $deb"
t=$SECONDS
we_installed=1
$SUDO dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || {
    # dependencies missing on this machine: let apt fetch them (the same Depends a user's apt would resolve)
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -f -y -qq --no-install-recommends >>"$work/dpkg.log" 2>&1
}
installed || { cat "$work/dpkg.log" >&2; fail "dpkg -i"; }
ok "installed in $((SECONDS - t)) s"
for path in "${system_paths[@]}"; do
    [ -e "$path" ] || fail "$path missing after install"
done
ok "files in place: bundle, launcher, desktop entry, metainfo, 9 icon sizes + SVG, doc, man page"
[ "$(readlink -f /usr/bin/imagestudio)" = /opt/imagestudio/imagestudio ] || fail "/usr/bin/imagestudio target"
[ -f /opt/imagestudio/_internal/PySide6/Qt/translations/qtbase_zh_CN.qm ] || fail "Qt's zh_CN translation missing"
[ -f /opt/imagestudio/_internal/resources/models.json ] || fail "resources/models.json missing"
for ts in resources/translations/*.ts; do
    [ -e "$ts" ] || continue
    qm=$(basename "${ts%.ts}.qm")
    [ -f "/opt/imagestudio/_internal/resources/translations/$qm" ] || fail "the app's translation $qm missing"
done
ok "launcher, Qt's and the app's zh_CN translations, resources/ bundled"
desktop-file-validate "/usr/share/applications/$app_id.desktop" || fail "installed desktop entry invalid"
ok "installed desktop entry validates"

echo "== the installed binary"
out=$(app imagestudio --version)
[ "$out" = "imagestudio $version" ] || fail "--version printed '$out', expected 'imagestudio $version'"
ok "imagestudio --version: $out"

out=$(app imagestudio generate "a lighthouse at dusk" --provider demo --json) || fail "demo generate exited $?"
demo_path=$(printf '%s' "$out" | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["images"][0]["path"])')
case "$demo_path" in "$home"/.local/share/imagestudio/*) ;; *) fail "demo image saved at $demo_path" ;; esac
[ "$(head -c 8 "$demo_path" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$demo_path is not a PNG"
ok "CLI + demo provider: $(basename "$demo_path") in the default library"

echo "== the desktop entry's command, offscreen, until the main window is shown"
exec_line=$(sed -n 's/^Exec=//p' "/usr/share/applications/$app_id.desktop" | head -n 1 | sed 's/ *%[a-zA-Z]//g')
t=$SECONDS
# shellcheck disable=SC2086  # Exec= is a command line
rc=0
out=$(app IMAGESTUDIO_SMOKE_TEST=1 timeout 120 $exec_line 2>"$work/gui.err") || rc=$?
[ "$rc" -eq 0 ] || { cat "$work/gui.err" >&2; fail "GUI exited $rc (124: still running after 120 s)"; }
case "$out" in
    *"main window shown; gallery holds 1 images; icon ok"*) ;;
    *) cat "$work/gui.err" >&2; fail "GUI said: $out" ;;
esac
ok "GUI ($exec_line) showed its window with the CLI's image in the gallery and quit cleanly in $((SECONDS - t)) s"

echo "== the same on a real X server (Xvfb): Qt's xcb plugin and the system libraries the .deb depends on"
rc=0
out=$(env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$home" XDG_RUNTIME_DIR="$work/run" LANG=C.UTF-8 \
    IMAGESTUDIO_SMOKE_TEST=1 timeout 120 xvfb-run -a -s "-screen 0 1400x900x24" $exec_line 2>"$work/x11.err") || rc=$?
[ "$rc" -eq 0 ] || { cat "$work/x11.err" >&2; fail "GUI under Xvfb exited $rc"; }
case "$out" in *"main window shown"*) ;; *) cat "$work/x11.err" >&2; fail "GUI under Xvfb said: $out" ;; esac
ok "GUI under Xvfb (xcb platform plugin) showed its window and quit cleanly"

echo "== CLI through the real openai SDK (frozen, lazily imported) against tests/simulator.py"
"$PYTHON" -m tests.simulator >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 100); do
    [ -s "$work/sim.out" ] && break
    sleep 0.1
done
base_url=$(head -n 1 "$work/sim.out")
case "$base_url" in http://127.0.0.1:*/v1) ;; *) cat "$work/sim.err" >&2; fail "simulator did not start" ;; esac
out=$(app OPENAI_API_KEY=sk-test-simulator-key-0000 imagestudio generate "a red kite over the sea" \
    --base-url "$base_url" --json) || fail "simulator generate exited $?"
sim_path=$(printf '%s' "$out" | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["images"][0]["path"])')
[ -s "$sim_path" ] || fail "simulator image $sim_path missing"
grep -q "sk-test-simulator-key-0000" -r "$home" && fail "the API key was written under HOME"
kill "$sim_pid"
sim_pid=""
ok "CLI --base-url $base_url: $(basename "$sim_path"); the key was written nowhere"

echo "== keyring in the frozen app"
out=$(app imagestudio key status)
case "$out" in *"secure store: none (keys cannot be saved)"*) ;; *) fail "without D-Bus: $out" ;; esac
ok "no D-Bus session: no secure store, no plaintext fallback"
cat >"$work/keyring.sh" <<'EOF'
set -eu
eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)"
printf 'sk-smoke-test-0123456789abcdef\n' | imagestudio key set
imagestudio key status
imagestudio key delete
EOF
out=$(app dbus-run-session -- bash "$work/keyring.sh" 2>&1) || fail "keyring round trip: $out"
case "$out" in
    *"Key saved"*"sk-…cdef in the system keyring"*"secure store: keyring.backends.SecretService.Keyring"*"Key deleted."*) ;;
    *) fail "keyring round trip said: $out" ;;
esac
ok "gnome-keyring over D-Bus: set, status (SecretService.Keyring), delete"
# here-strings, not `printf | grep -q`: grep -q may exit first, and pipefail would report printf's SIGPIPE as a miss
modules=$("$PYTHON" -m PyInstaller.utils.cliutils.archive_viewer -r -b /opt/imagestudio/imagestudio)
for module in keyring.backends.SecretService secretstorage jeepney openai truststore; do
    grep -qx " *$module" <<<"$modules" || fail "$module is not in the frozen app"
done
if grep -q "^ *keyrings" <<<"$modules"; then fail "keyrings.alt is in the frozen app"; fi
ok "frozen modules: SecretService backend, secretstorage, jeepney, openai, truststore; no keyrings.alt"

echo "== purge"
mapfile -t owned < <(dpkg -L imagestudio)
t=$SECONDS
$SUDO dpkg --purge imagestudio >>"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg --purge"; }
we_installed=""
ok "purged in $((SECONDS - t)) s"
for path in "${system_paths[@]}"; do
    [ ! -e "$path" ] && [ ! -L "$path" ] || fail "$path left behind after purge"
done
for path in "${owned[@]}"; do
    # directories shared with other packages (/usr/share/icons/...) stay; every file of ours must be gone
    [ -d "$path" ] && [ ! -L "$path" ] && continue
    [ ! -e "$path" ] && [ ! -L "$path" ] || fail "$path left behind after purge"
done
ok "nothing of the package's ${#owned[@]} paths left in system paths; the user's library is kept in HOME"
[ -f "$demo_path" ] || fail "purge touched the user's library"

echo "package-test: all $checks checks ok in $((SECONDS - started)) s"
