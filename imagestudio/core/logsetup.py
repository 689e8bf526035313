"""Logging to a rotating file in the logs dir, with every known key redacted."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from imagestudio.core.secrets import SecretRedactor


def configure(log_dir: Path, redactor: SecretRedactor, *, level: int = logging.INFO) -> None:
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        log_dir / "imagestudio.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # A filter on the handler sees records from every logger, including third-party ones (httpx, openai).
    handler.addFilter(redactor)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "imagestudio", False)]:
        root.removeHandler(old)
        old.close()
    handler.imagestudio = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
