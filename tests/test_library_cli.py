"""`imagestudio library …` as a real process: import, search (Chinese), tag, favourite, trash/restore/
empty-trash, similar, check --repair; bad ids and paths exit 2 with one clear line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import cli
from tests.test_library_import import png


def test_library_commands_end_to_end(tmp_path: Path) -> None:
    home = tmp_path / "home"
    src = tmp_path / "src"
    src.mkdir()
    (src / "fox.png").write_bytes(png((200, 60, 0), parameters="雪中的红狐狸在奔跑\nSteps: 20, Model: sdxl"))
    (src / "sea.png").write_bytes(png((0, 60, 200), (80, 48), parameters="a calm blue sea"))
    (src / "broken.png").write_bytes(png((1, 2, 3), (200, 200))[:300])

    out = cli("library", "import", str(src), "--json", home=home)
    assert out.returncode == 1, out.stderr  # one file skipped
    files = {Path(f["path"]).name: f for f in json.loads(out.stdout)["files"]}
    assert files["broken.png"]["status"] == "skipped" and files["broken.png"]["reason"] == "truncated or damaged"
    fox, sea = files["fox.png"]["id"], files["sea.png"]["id"]

    found = json.loads(cli("library", "search", "狐狸", "--json", home=home).stdout)["images"]
    assert [(i["id"], i["prompt"]) for i in found] == [(fox, "雪中的红狐狸在奔跑")]
    assert Path(found[0]["path"]).read_bytes() == (src / "fox.png").read_bytes()

    assert cli("library", "tag", str(fox), "--add", "动物", home=home).returncode == 0
    assert cli("library", "favourite", str(sea), home=home).returncode == 0
    listed = json.loads(cli("library", "list", "--tag", "动物", "--json", home=home).stdout)["images"]
    assert [i["id"] for i in listed] == [fox] and listed[0]["tags"] == ["动物"]
    favs = json.loads(cli("library", "list", "--favourites", "--json", home=home).stdout)["images"]
    assert [i["id"] for i in favs] == [sea]

    similar = json.loads(cli("library", "similar", str(fox), "--json", home=home).stdout)["images"]
    assert similar[0]["id"] == fox

    assert cli("library", "trash", str(fox), home=home).returncode == 0
    assert json.loads(cli("library", "search", "狐狸", "--json", home=home).stdout)["images"] == []
    assert cli("library", "restore", str(fox), home=home).returncode == 0
    assert cli("library", "trash", str(sea), home=home).returncode == 0
    gone = cli("library", "empty-trash", home=home)
    assert gone.returncode == 0 and "1 image(s) deleted" in gone.stdout

    bad = cli("library", "trash", "9999", home=home)
    assert bad.returncode == 2 and bad.stderr.strip() == "imagestudio: No image with id #9999 in the library."
    missing = cli("library", "import", str(tmp_path / "nowhere"), home=home)
    assert missing.returncode == 2 and "not found" in missing.stdout

    fox_path = Path(found[0]["path"])
    fox_path.unlink()
    check = cli("library", "check", "--json", home=home)
    assert check.returncode == 1 and json.loads(check.stdout)["missing_files"] == [fox]
    repaired = cli("library", "check", "--repair", home=home)
    assert repaired.returncode == 1 and f"#{fox}: the original file is gone" in repaired.stdout
