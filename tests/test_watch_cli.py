"""`imagestudio library watch …` as a real process: add / list / pause / resume / scan / log / remove, a file
still being written left for the next scan, exit codes 0 / 1 / 2 with one clear line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import cli
from tests.test_library_import import png


def test_watch_commands_end_to_end(tmp_path: Path) -> None:
    home, inbox = tmp_path / "home", tmp_path / "Downloads"
    inbox.mkdir()
    (inbox / "deep").mkdir()
    assert cli("library", "watch", "add", str(inbox), home=home).returncode == 0
    again = cli("library", "watch", "add", str(inbox) + "/", home=home)
    assert again.returncode == 2 and "is watched already" in again.stderr
    nowhere = cli("library", "watch", "add", str(tmp_path / "nowhere"), home=home)
    assert nowhere.returncode == 2 and nowhere.stderr.count("\n") == 1 and "is not a folder" in nowhere.stderr

    data = png((220, 40, 40), (200, 120), parameters="a red fox " * 500)
    (inbox / "fox.png").write_bytes(data[:500])  # still being written
    (inbox / "deep" / "nested.png").write_bytes(png((40, 220, 40)))
    (inbox / "sea.png.crdownload").write_bytes(png((40, 40, 220)))
    first = json.loads(cli("library", "watch", "scan", "--json", "--no-wait", "--settle", "0", home=home).stdout)[
        "folders"
    ][0]
    assert (first["imported"], first["waiting"], first["downloading"]) == (0, 1, 1)
    with (inbox / "fox.png").open("ab") as f:
        f.write(data[500:])
    changed = json.loads(cli("library", "watch", "scan", "--json", "--no-wait", "--settle", "0", home=home).stdout)
    assert changed["folders"][0]["imported"] == 0  # it grew since the last scan: left for the next one
    done = cli("library", "watch", "scan", "--json", "--no-wait", "--settle", "0", home=home)
    assert done.returncode == 0, done.stderr
    files = json.loads(done.stdout)["folders"][0]["files"]
    assert [(Path(f["path"]).name, f["status"]) for f in files] == [("fox.png", "imported")]
    listed = json.loads(cli("library", "list", "--json", home=home).stdout)["images"]
    assert [i["id"] for i in listed] == [files[0]["id"]] and Path(listed[0]["path"]).read_bytes() == data

    assert cli("library", "watch", "pause", str(inbox), home=home).returncode == 0
    (inbox / "sea.png.crdownload").rename(inbox / "sea.png")
    paused = cli("library", "watch", "scan", home=home)
    assert paused.returncode == 0 and "no active watched folders" in paused.stdout
    state = json.loads(cli("library", "watch", "list", "--json", home=home).stdout)["folders"]
    assert [(f["path"], f["paused"], f["imported"]) for f in state] == [(str(inbox), True, 1)]
    assert cli("library", "watch", "resume", str(inbox), home=home).returncode == 0
    cli("library", "watch", "scan", "--no-wait", "--settle", "0", home=home)
    text = cli("library", "watch", "scan", "--no-wait", "--settle", "0", home=home)
    assert text.returncode == 0 and f"imported  {inbox / 'sea.png'}: #" in text.stdout

    (inbox / "broken.png").write_bytes(data[:300])
    cli("library", "watch", "scan", "--no-wait", "--settle", "0", home=home)
    broken = cli("library", "watch", "scan", "--no-wait", "--settle", "0", home=home)
    assert broken.returncode == 1 and "truncated or damaged" in broken.stdout
    log = json.loads(cli("library", "watch", "log", "--json", home=home).stdout)["log"]
    assert [(Path(e["path"]).name, e["status"]) for e in log] == [
        ("broken.png", "skipped"),
        ("sea.png", "imported"),
        ("fox.png", "imported"),
    ]

    zh = cli(
        "library", "watch", "log", home=home, env={"LANG": "zh_CN.UTF-8", "LC_ALL": "zh_CN.UTF-8", "LANGUAGE": "zh_CN"}
    )
    assert "broken.png: 已截断或损坏" in zh.stdout

    (inbox / "fresh.png").write_bytes(png((9, 99, 199)))  # one command: noted, looked at again, imported
    fresh = cli("library", "watch", "scan", "--settle", "0.5", "--json", home=home)
    assert fresh.returncode == 0, fresh.stderr
    assert [f["status"] for f in json.loads(fresh.stdout)["folders"][0]["files"]] == ["imported"]

    (inbox / "deep").rename(tmp_path / "moved")
    inbox.rename(tmp_path / "gone")
    missing = cli("library", "watch", "scan", home=home)
    assert missing.returncode == 1 and "missing" in missing.stdout
    assert cli("library", "watch", "remove", str(inbox), home=home).returncode == 0
    assert json.loads(cli("library", "watch", "list", "--json", home=home).stdout)["folders"] == []
    not_watched = cli("library", "watch", "remove", str(inbox), home=home)
    assert not_watched.returncode == 2 and "is not a watched folder" in not_watched.stderr
