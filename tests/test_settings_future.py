"""Settings from a newer version or with values this version cannot use: a message, a kept copy, no silent reset."""

from __future__ import annotations

import json
from pathlib import Path

from imagestudio.core import settings


def test_newer_schema_is_kept_aside_before_it_could_be_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    original = {"schema": 99, "model": "gpt-image-2.5-flare", "future_field": {"x": 1}}
    path.write_text(json.dumps(original), encoding="utf-8")
    loaded = settings.load(path)
    assert loaded.settings.model == "gpt-image-2.5-flare"  # what is understood is used
    assert any("99" in w for w in loaded.warnings)
    assert any("settings.json.bak" in w for w in loaded.warnings)
    settings.save(path, loaded.settings)
    assert json.loads((tmp_path / "settings.json.bak").read_text(encoding="utf-8")) == original


def test_backups_never_overwrite_each_other(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    for n in range(3):
        path.write_text(json.dumps({"schema": 1, "n": "many", "run": n}), encoding="utf-8")
        settings.load(path)
    kept = sorted(p.name for p in tmp_path.glob("settings.json.bak*"))
    assert kept == ["settings.json.bak", "settings.json.bak2", "settings.json.bak3"]
    assert json.loads((tmp_path / "settings.json.bak3").read_text(encoding="utf-8"))["run"] == 2
    for _ in range(2):
        path.write_text("{not json", encoding="utf-8")
        assert settings.load(path).warnings
    assert sorted(p.name for p in tmp_path.glob("settings.json.bad*")) == ["settings.json.bad", "settings.json.bad2"]


def test_clean_file_makes_no_backup(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings.save(path, settings.Settings())
    assert settings.load(path).warnings == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]
