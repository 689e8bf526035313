"""The library sidebar: All images, Favourites, Trash, then collections, saved searches and tags. Choosing
an entry emits the ``LibraryQuery`` it stands for; the lists are re-read whenever a ``LibraryChange`` says
they changed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from imagestudio.app.library_actions import LibraryActions
from imagestudio.app.tasks import TaskOwner
from imagestudio.core.library.organise import NamedList
from imagestudio.core.library.query import LibraryQuery
from imagestudio.core.types import LibraryChange

QueryRole = Qt.ItemDataRole.UserRole + 10
KindRole = Qt.ItemDataRole.UserRole + 11  # "collection" / "saved" / "tag" / "" for the fixed entries
IdRole = Qt.ItemDataRole.UserRole + 12


class LibrarySidebar(QTreeWidget):
    querySelected = Signal(object)  # LibraryQuery

    def __init__(self, actions: LibraryActions, tasks: TaskOwner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("librarySidebar")
        self.setAccessibleName(self.tr("Library"))
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(10)
        self._actions = actions
        self._tasks = tasks
        self.all_item = self._fixed(self.tr("All images"), LibraryQuery())
        self.favourites_item = self._fixed(self.tr("★ Favourites"), LibraryQuery(favourites=True))
        self.trash_item = self._fixed(self.tr("Trash"), LibraryQuery(in_trash=True, sort="trashed"))
        self.collections_item = self._section(self.tr("Collections"))
        self.saved_item = self._section(self.tr("Saved searches"))
        self.tags_item = self._section(self.tr("Tags"))
        self.setCurrentItem(self.all_item)
        self.currentItemChanged.connect(self._chosen)
        actions.service.changed.connect(self._library_changed)

    def _fixed(self, text: str, query: LibraryQuery) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self, [text])
        item.setData(0, QueryRole, query)
        item.setData(0, KindRole, "")
        return item

    def _section(self, text: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self, [text])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading: not selectable
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setExpanded(True)
        return item

    # -- filling ---------------------------------------------------------------------------------
    def _library_changed(self, change: LibraryChange) -> None:
        if change.lists_changed:
            self._tasks.spawn_if_open(self.reload(), name="sidebar-reload")

    async def reload(self) -> None:
        lists = await self._actions.lists()
        current = self.current_entry()
        self.blockSignals(True)
        self._fill(self.collections_item, "collection", lists["collections"])
        self._fill(self.saved_item, "saved", lists["saved_searches"])
        self._fill(self.tags_item, "tag", lists["tags"])
        self.blockSignals(False)
        self._select(current)

    def _fill(self, section: QTreeWidgetItem, kind: str, entries: list[NamedList]) -> None:
        section.takeChildren()
        for entry in entries:
            label = entry.name if kind == "saved" else f"{entry.name}  ({entry.count})"
            item = QTreeWidgetItem(section, [label])
            item.setData(0, KindRole, kind)
            item.setData(0, IdRole, entry.id)
            item.setToolTip(0, entry.name)
            if kind == "collection":
                item.setData(0, QueryRole, LibraryQuery(collection=entry.id))
            elif kind == "tag":
                item.setData(0, QueryRole, LibraryQuery(tag=entry.name))
            else:
                item.setData(0, QueryRole, entry.query or LibraryQuery())
        section.setExpanded(True)

    # -- choosing --------------------------------------------------------------------------------
    def current_entry(self) -> tuple[str, int | None, str]:
        item = self.currentItem()
        if item is None:
            return ("", None, "")
        return (str(item.data(0, KindRole) or ""), item.data(0, IdRole), item.text(0))

    def _select(self, entry: tuple[str, int | None, str]) -> None:
        kind, entry_id, text = entry
        for item in self._all_items():
            if item.data(0, KindRole) == kind and item.data(0, IdRole) == entry_id and (kind or item.text(0) == text):
                self.setCurrentItem(item)
                return
        self.setCurrentItem(self.all_item)  # the collection or tag went away: show everything

    def _all_items(self) -> list[QTreeWidgetItem]:
        items = []
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            if top is None:
                continue
            items.append(top)
            items.extend(c for c in (top.child(j) for j in range(top.childCount())) if c is not None)
        return items

    def _chosen(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        query = item.data(0, QueryRole) if item is not None else None
        if isinstance(query, LibraryQuery):
            self.querySelected.emit(query)

    def item_for(self, kind: str, name: str) -> QTreeWidgetItem | None:
        for item in self._all_items():
            if item.data(0, KindRole) == kind and item.toolTip(0) == name:
                return item
        return None

    def tag_names(self) -> list[str]:
        """Every tag in the library (offered while typing a tag)."""
        children = (self.tags_item.child(i) for i in range(self.tags_item.childCount()))
        return [child.toolTip(0) for child in children if child is not None]

    def current_collection(self) -> int | None:
        kind, entry_id, _ = self.current_entry()
        return entry_id if kind == "collection" else None

    def current_query(self) -> LibraryQuery:
        item = self.currentItem()
        query = item.data(0, QueryRole) if item is not None else None
        return query if isinstance(query, LibraryQuery) else LibraryQuery()
