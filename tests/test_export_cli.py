"""`imagestudio library export` as a real process: byte-exact originals by default, conversion with a
Chinese template, no clobbering, bad ids and options exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from tests.test_cli import cli
from tests.test_library_import import png


def test_library_export_end_to_end(tmp_path: Path) -> None:
    home = tmp_path / "home"
    src = tmp_path / "src"
    src.mkdir()
    (src / "fox.png").write_bytes(png((200, 60, 0), (300, 150), parameters="雪中的红狐狸在奔跑"))
    imported = json.loads(cli("library", "import", str(src), "--json", home=home).stdout)["files"]
    fox = imported[0]["id"]
    out_dir = tmp_path / "out"

    first = cli("library", "export", str(fox), "--to", str(out_dir), "--template", "{prompt} {id}", "--json", home=home)
    assert first.returncode == 0, first.stderr
    [path] = json.loads(first.stdout)["written"]
    assert Path(path).name == f"雪中的红狐狸在奔跑 {fox}.png"
    assert Path(path).read_bytes() == (src / "fox.png").read_bytes()

    again = cli(
        "library", "export", str(fox), "--to", str(out_dir), "--template", "{prompt} {id}",
        "--format", "avif", "--quality", "60", "--max-size", "100", "--json", home=home,
    )  # fmt: skip
    [converted] = json.loads(again.stdout)["written"]
    assert Path(converted).name == f"雪中的红狐狸在奔跑 {fox}.avif"
    with Image.open(converted) as im:
        assert im.format == "AVIF" and im.size == (100, 50)
    third = cli("library", "export", str(fox), "--to", str(out_dir), "--template", "{prompt} {id}", home=home)
    assert Path(third.stdout.strip()).name == f"雪中的红狐狸在奔跑 {fox} (2).png"  # never overwrites

    missing = cli("library", "export", "999", "--to", str(out_dir), home=home)
    assert missing.returncode == 2 and "999" in missing.stderr
    bad = cli("library", "export", str(fox), "--to", str(out_dir), "--template", "{colour}", home=home)
    assert bad.returncode == 2 and "{colour}" in bad.stderr
