#!/usr/bin/env bash
# The wheel is the app (`make wheel-test`, run by .ci/run): build the sdist and wheel from this checkout, check
# their metadata with twine, install them the ways pip and pipx users do into fresh environments in a temporary
# folder outside the checkout, and use the installed command there: --version, a demo generation stored in the
# library, Chinese messages under LANG=zh_CN.UTF-8, the GUI starting offscreen with that image in its gallery.
#
#   PYTHON=.venv/bin/python packaging/wheel_smoke.sh     (PYTHON needs `build`, `twine` and `pipx`)
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)
PYTHON=${PYTHON:-python3}
BASE_PYTHON=${BASE_PYTHON:-$(command -v python3.11 || command -v python3)}
started=$SECONDS
checks=0
ok() { checks=$((checks + 1)); printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -m 700 "$work/home" "$work/run"
version=$("$PYTHON" -c 'import imagestudio; print(imagestudio.__version__)')

echo "== build the sdist and the wheel (isolated build environment, as pip and PyPI would)"
t=$SECONDS
"$PYTHON" -m build --outdir "$work/dist" "$src" >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; fail "build"; }
wheel=$(ls "$work"/dist/imagestudio-*.whl)
sdist=$(ls "$work"/dist/imagestudio-*.tar.gz)
ok "built $(basename "$sdist") and $(basename "$wheel") in $((SECONDS - t)) s"
"$PYTHON" -m twine check --strict "$work"/dist/* >"$work/twine.log" 2>&1 || { cat "$work/twine.log" >&2; fail "twine check"; }
ok "twine check --strict: readme, license, classifiers, URLs"
listing=$("$PYTHON" -m zipfile -l "$wheel")
for file in models.json icons/imagestudio.svg translations/imagestudio_zh_CN.qm presets/10-avatar.json \
    linux/io.github.imagestudio.ImageStudio.desktop linux/io.github.imagestudio.ImageStudio.metainfo.xml; do
    grep -q "imagestudio/resources/$file" <<<"$listing" || fail "the wheel lacks resources/$file"
done
grep -q "licenses/LICENSE" <<<"$listing" || fail "the wheel lacks its LICENSE"
ok "the wheel carries the model table, presets, icon, desktop file, metainfo, the compiled zh_CN catalogue, LICENSE"

# The installed command as a user runs it: from a folder outside the checkout, nothing of this shell's
# environment but PATH, a fresh HOME (no IMAGESTUDIO_HOME, no PYTHONPATH, no key).
run() {
    local bin=$1
    shift
    (cd "$work" && env -i PATH="$bin:/usr/local/bin:/usr/bin:/bin" HOME="$work/home" XDG_RUNTIME_DIR="$work/run" \
        LANG="${LANG_OF_RUN:-C.UTF-8}" QT_QPA_PLATFORM=offscreen "$@")
}

use_installed() {  # $1: the bin folder holding the installed `imagestudio`; $2: how it was installed
    local bin=$1 how=$2 out path rc
    out=$(run "$bin" imagestudio --version) || fail "$how: --version exited $?"
    [ "$out" = "imagestudio $version" ] || fail "$how: --version printed '$out'"
    out=$(run "$bin" imagestudio generate "雪中的红狐狸 $how" --provider demo --json) || fail "$how: demo generate"
    path=$(printf '%s' "$out" | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["images"][0]["path"])')
    case "$path" in "$work/home/.local/share/imagestudio/"*) ;; *) fail "$how: image stored at $path" ;; esac
    [ "$(head -c 8 "$path" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$how: $path is not a PNG"
    rc=0
    out=$(LANG_OF_RUN=zh_CN.UTF-8 run "$bin" imagestudio generate "x" --provider demo --size 17x17 2>&1) || rc=$?
    [ "$rc" -eq 2 ] || fail "$how: a bad size exited $rc, expected 2 ($out)"
    grep -qP '[\x{4e00}-\x{9fff}]' <<<"$out" || fail "$how: LANG=zh_CN.UTF-8 gave no Chinese: $out"
    out=$(run "$bin" env IMAGESTUDIO_SMOKE_TEST=1 timeout 120 imagestudio 2>"$work/gui.err") || {
        cat "$work/gui.err" >&2
        fail "$how: the GUI exited $?"
    }
    case "$out" in *"main window shown; gallery holds"*"icon ok"*) ;; *) fail "$how: GUI said '$out'" ;; esac
    ok "$how: --version, demo image in the library, Chinese messages, GUI shown offscreen ($out)"
}

echo "== pip install the wheel into a fresh venv"
"$BASE_PYTHON" -m venv "$work/wheel-venv"
"$work/wheel-venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel" >"$work/pip.log" 2>&1 ||
    { cat "$work/pip.log" >&2; fail "pip install $wheel"; }
found=$(cd "$work" && "$work/wheel-venv/bin/python" -c \
    'from imagestudio.core.paths import resources_dir; print(resources_dir())')
case "$found" in "$work/wheel-venv/"*"/site-packages/imagestudio/resources") ;; *) fail "resources at $found" ;; esac
use_installed "$work/wheel-venv/bin" "pip install dist/*.whl"

echo "== pip install the sdist (builds the wheel from it, as pip does from PyPI without a wheel)"
"$BASE_PYTHON" -m venv "$work/sdist-venv"
"$work/sdist-venv/bin/python" -m pip install -q --disable-pip-version-check "$sdist" >"$work/pip-sdist.log" 2>&1 ||
    { cat "$work/pip-sdist.log" >&2; fail "pip install $sdist"; }
use_installed "$work/sdist-venv/bin" "pip install sdist"

echo "== pipx install . (from the checkout)"
PIPX_HOME="$work/pipx" PIPX_BIN_DIR="$work/pipx-bin" PIPX_MAN_DIR="$work/pipx-man" \
    "$PYTHON" -m pipx install --python "$BASE_PYTHON" "$src" >"$work/pipx.log" 2>&1 ||
    { cat "$work/pipx.log" >&2; fail "pipx install ."; }
use_installed "$work/pipx-bin" "pipx install ."

echo "wheel-test: all $checks checks ok in $((SECONDS - started)) s"
