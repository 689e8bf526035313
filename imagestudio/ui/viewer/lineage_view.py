"""Lineage: the edit tree of the current image (parent → children), each step's prompt and what changed from
its parent's prompt. Clicking a step opens it. Ctrl+click (or Ctrl+Space) selects a second step: Compare opens the
two side by side in the compare window, with what changed between their instructions."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imagestudio.core.lineage import DiffPart, Lineage, LineageNode, prompt_diff

IdRole = Qt.ItemDataRole.UserRole + 1


def diff_html(parts: tuple[DiffPart, ...]) -> str:
    """The prompt with removed words struck through and added words marked. Spaces at the edges of a change
    stay outside its mark (a struck-through space reads as no space: "~~running~~in"), and a removed run right
    before an added one gets a space between them ("~~running~~ walking", not "runningwalking")."""
    out = []
    previous = ""
    for part in parts:
        if part.op == "same":
            out.append(escape(part.text))
            previous = part.text
            continue
        core = part.text.strip()
        lead, trail = part.text[: len(part.text) - len(part.text.lstrip())], part.text[len(part.text.rstrip()) :]
        if not core:
            out.append(escape(part.text))
            previous = part.text
            continue
        if not lead and previous and not previous[-1].isspace() and _spaced(previous[-1], core[0]):
            lead = " "
        style = _ADDED if part.op == "added" else _REMOVED
        out.append(f'{escape(lead)}<span style="{style}">{escape(core)}</span>{escape(trail)}')
        previous = part.text if trail else core
    return "".join(out)


_ADDED = "background:#d4f7d4;color:#0a5c0a"
_REMOVED = "background:#fbd9d9;color:#8a1111;text-decoration:line-through"


def _spaced(before: str, after: str) -> bool:
    """Whether two runs need a space between them: words do, CJK characters and punctuation do not."""

    def wordy(ch: str) -> bool:
        return ch.isalnum() and not ("\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af")

    return wordy(before) and wordy(after)


def diff_summary(parts: tuple[DiffPart, ...]) -> str:
    added = " ".join(p.text.strip() for p in parts if p.op == "added" and p.text.strip())
    removed = " ".join(p.text.strip() for p in parts if p.op == "removed" and p.text.strip())
    bits = ([f"+ {added}"] if added else []) + ([f"− {removed}"] if removed else [])
    return "  ".join(bits)


def _is_refine(node: LineageNode) -> bool:
    """A refine turn: its text is an instruction to the conversation, not a whole prompt."""
    return isinstance(node.image.params, dict) and node.image.params.get("kind") == "refine"


class LineageView(QWidget):
    navigateRequested = Signal(int)
    compareRequested = Signal(list, str)  # two image ids (earlier step first), the diff of their prompts (rich text)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setObjectName("lineageTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("Step"), self.tr("Change from parent")])
        self.tree.setColumnWidth(0, 220)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setAccessibleName(self.tr("Steps of this image's lineage"))
        self.compare_button = QPushButton(self.tr("Compare"))
        self.compare_button.setObjectName("lineageCompare")
        self.compare_button.setToolTip(self.tr("Ctrl+click a second step, then compare the two side by side"))
        self.hint = QLabel()
        self.hint.setObjectName("lineageHint")
        self.hint.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setObjectName("lineageDiff")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        row = QHBoxLayout()
        row.addWidget(self.hint, 1)
        row.addWidget(self.compare_button)
        layout.addLayout(row)
        layout.addWidget(self.detail)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.compare_button.clicked.connect(self.compare_selected)
        self._items: dict[int, QTreeWidgetItem] = {}
        self._lineage: Lineage | None = None

    def set_lineage(self, lineage: Lineage | None) -> None:
        self.tree.clear()
        self._items.clear()
        self._lineage = lineage
        if lineage is None or len(lineage.nodes) <= 1:
            self.detail.setText(self.tr("This image has no edits before or after it."))
            if lineage is None:
                return
        for node in lineage.walk():
            parent_item = self._items.get(node.parents[0]) if node.parents else None
            item = QTreeWidgetItem([self._title(node), diff_summary(node.diff)])
            item.setData(0, IdRole, node.image.id)
            item.setToolTip(0, node.image.prompt)
            item.setToolTip(1, node.image.prompt)
            if node.image.id == lineage.focus:
                font = QFont(item.font(0))
                font.setBold(True)
                item.setFont(0, font)
                item.setFont(1, font)
            if parent_item is None:
                self.tree.addTopLevelItem(item)
            else:
                parent_item.addChild(item)
            self._items[node.image.id] = item
        self.tree.expandAll()
        focus = self._items.get(lineage.focus)
        if focus is not None:
            self.tree.setCurrentItem(focus)
            if len(lineage.nodes) > 1:
                self._show_detail(lineage.nodes[lineage.focus])
        self._selection_changed()

    def _title(self, node: LineageNode) -> str:
        """``#id  prompt``; a step made from a parent says how: a refine turn (its instruction) or an edit."""
        prompt = " ".join(node.image.prompt.split())
        if not node.parents:
            return f"#{node.image.id}  {prompt[:60]}"
        how = self.tr("Refine") if _is_refine(node) else self.tr("Edit")
        return f"#{node.image.id}  {how}: {prompt[:60]}"

    def _show_detail(self, node: LineageNode) -> None:
        if node.parents and _is_refine(node):  # its text is the instruction, not a prompt to diff with the parent's
            self.detail.setText(
                self.tr("Refine turn #%1 from #%2, instruction:")
                .replace("%1", str(node.image.id))
                .replace("%2", str(node.parents[0]))
                + "<br>"
                + escape(node.image.prompt)
            )
        elif node.parents:
            self.detail.setText(
                self.tr("Prompt of #%1, compared with #%2:")
                .replace("%1", str(node.image.id))
                .replace("%2", str(node.parents[0]))
                + "<br>"
                + diff_html(node.diff)
            )
        else:
            self.detail.setText(escape(node.image.prompt))

    def item_for(self, image_id: int) -> QTreeWidgetItem | None:
        return self._items.get(image_id)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        image_id = item.data(0, IdRole)
        if isinstance(image_id, int) and self._lineage is not None and image_id != self._lineage.focus:
            self.navigateRequested.emit(image_id)

    def _clicked(self, item: QTreeWidgetItem, column: int) -> None:
        """A plain click opens the step; a Ctrl/Shift+click only adds it to (or takes it from) the selection."""
        if item.isSelected() and len(self.tree.selectedItems()) == 1:
            self._activated(item, column)

    # -- comparing two steps -------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        """The selected steps in the tree's order (root first)."""
        chosen = {id(item) for item in self.tree.selectedItems()}
        return [image_id for image_id, item in self._items.items() if id(item) in chosen]

    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        self.compare_button.setEnabled(len(ids) == 2)
        if len(self._items) < 2:
            self.hint.setText("")
        elif len(ids) == 2:
            self.hint.setText(self.tr("Compare #%1 with #%2.").replace("%1", str(ids[0])).replace("%2", str(ids[1])))
            self.detail.setText(self.steps_diff(ids[0], ids[1]))
        elif len(ids) > 2:
            self.hint.setText(self.tr("Select only two steps to compare."))
        else:
            self.hint.setText(self.tr("Ctrl+click another step to compare the two."))
            if self._lineage is not None and len(self._lineage.nodes) > 1:
                self._show_detail(self._lineage.nodes[self._lineage.focus])

    def steps_diff(self, first: int, second: int) -> str:
        """Both steps' texts (how each was made) and the change from the first's prompt to the second's (two prompts,
        or two refine instructions)."""
        if self._lineage is None or first not in self._lineage.nodes or second not in self._lineage.nodes:
            return ""
        a, b = self._lineage.nodes[first], self._lineage.nodes[second]
        steps = self._path(first, second)
        if len(steps) > 2:  # one descends from the other: every step between them, with its text
            between = "<br>".join("→ " + escape(self._title(self._lineage.nodes[i])) for i in steps[1:])
            head = f"<b>{escape(self._title(a))}</b><br>{between}<br>"
        else:
            head = f"<b>{escape(self._title(a))}</b><br><b>{escape(self._title(b))}</b><br>"
        if _is_refine(a) != _is_refine(b):  # an instruction against a whole prompt: a word diff would be noise
            return head.removesuffix("<br>")
        return (
            head
            + self.tr("Prompt of #%1, compared with #%2:").replace("%1", str(second)).replace("%2", str(first))
            + "<br>"
            + diff_html(prompt_diff(a.image.prompt, b.image.prompt))
        )

    def _path(self, first: int, second: int) -> list[int]:
        """The steps from ``first`` down to ``second`` following first parents (empty when not on one line)."""
        assert self._lineage is not None
        steps, seen = [second], {second}
        while steps[-1] != first:
            parents = self._lineage.nodes[steps[-1]].parents
            if not parents or parents[0] in seen or parents[0] not in self._lineage.nodes:
                return []
            steps.append(parents[0])
            seen.add(parents[0])
        return list(reversed(steps))

    def compare_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 2:
            self.compareRequested.emit(ids, self.steps_diff(ids[0], ids[1]))
