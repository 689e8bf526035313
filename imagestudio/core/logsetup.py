"""Logging to a rotating file in the logs dir, with every known key redacted."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from imagestudio.core.files.fsutil import make_private, private_dir
from imagestudio.core.secrets import SecretRedactor


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Every log file (the current one and each new one after a rotation) is 0600 on POSIX."""

    def _open(self):  # type: ignore[no-untyped-def]  # typeshed: -> TextIOWrapper
        make_private(Path(self.baseFilename))  # an older 0644 file
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def configure(log_dir: Path, redactor: SecretRedactor, *, level: int = logging.INFO) -> None:
    private_dir(log_dir)
    handler = _PrivateRotatingFileHandler(
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
