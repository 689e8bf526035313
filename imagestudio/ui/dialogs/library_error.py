"""The dialog shown when the GUI cannot open the library (damaged, or made by a newer version): what is wrong and
what to do, instead of a traceback; nothing is changed on disk."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QMessageBox


def cannot_open_library(data_dir: Path, error: BaseException) -> int:
    """Say what is wrong and what to do instead of a traceback; nothing is changed on disk."""
    logging.getLogger(__name__).error("cannot open the library: %s", error)
    detail = str(error) if isinstance(error, RuntimeError) else f"{type(error).__name__}: {error}"
    QMessageBox.critical(
        None,
        "imagestudio",
        f"The image library at {data_dir} could not be opened.\n\n{detail}\n\n"
        "Your images were not changed. Run “imagestudio library check --repair” in a terminal, "
        "or move the folder aside to start a new library.",
    )
    return 1
