"""Lineage: edits form a tree (parent → children). Each step carries its prompt and the difference from its
parent's prompt.

Where the links live: the library has no parent column yet, so an image's parents are read from its params
JSON — ``params["parents"]`` (list of library ids; the agreed key) or ``params["parent_ids"]`` (what
``EditRequest.to_json`` stores). Both are accepted; anything else there is ignored, never a crash.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from imagestudio.core.types import GenerationRequest, LibraryImage

PARENT_KEYS = ("parents", "parent_ids")
#: Latin words stay whole; CJK and other characters are compared one by one (Chinese has no spaces).
_TOKEN = re.compile(r"[^\W\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]+|\s+|.", re.S)
MAX_NODES = 500  # a runaway chain must not freeze the lineage view


def parents_of(params: dict[str, Any]) -> tuple[int, ...]:
    found: list[int] = []
    for key in PARENT_KEYS:
        value = params.get(key)
        if isinstance(value, list | tuple):
            found.extend(int(v) for v in value if isinstance(v, int) and not isinstance(v, bool))
    return tuple(dict.fromkeys(found))  # keep order, no duplicates


@dataclass(frozen=True, slots=True)
class DiffPart:
    op: str  # "same" / "added" / "removed"
    text: str


def prompt_diff(parent: str, child: str) -> tuple[DiffPart, ...]:
    """What changed from the parent's prompt to the child's, as runs of same/added/removed text."""
    a, b = _TOKEN.findall(parent), _TOKEN.findall(child)
    parts: list[DiffPart] = []

    def add(op: str, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if parts and parts[-1].op == op:
            parts[-1] = DiffPart(op, parts[-1].text + text)
        else:
            parts.append(DiffPart(op, text))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            add("same", a[i1:i2])
        else:
            add("removed", a[i1:i2])
            add("added", b[j1:j2])
    return tuple(parts)


@dataclass(slots=True)
class LineageNode:
    image: LibraryImage
    parents: tuple[int, ...]
    children: list[int] = field(default_factory=list)
    depth: int = 0
    diff: tuple[DiffPart, ...] = ()  # against the first parent that is in the tree


@dataclass(frozen=True, slots=True)
class Lineage:
    focus: int
    roots: tuple[int, ...]
    nodes: dict[int, LineageNode]

    def walk(self) -> Iterable[LineageNode]:
        """Depth-first from each root, children in creation order (each node once)."""
        seen: set[int] = set()
        stack = list(reversed(self.roots))
        while stack:
            node = self.nodes[stack.pop()]
            if node.image.id in seen:
                continue
            seen.add(node.image.id)
            yield node
            stack.extend(reversed(node.children))


#: (child id, parent ids) for every image that has parents.
Links = list[tuple[int, tuple[int, ...]]]


def links_sql() -> str:
    """Only rows whose params mention a parent key are read (cheap on a large library)."""
    return "SELECT id, params_json FROM images WHERE params_json LIKE '%\"parent%'"


def parse_links(rows: Iterable[tuple[Any, ...]]) -> Links:
    links: Links = []
    for image_id, params_json in rows:
        try:
            params = json.loads(params_json)
        except (TypeError, ValueError):
            continue
        if isinstance(params, dict) and (parents := parents_of(params)):
            links.append((int(image_id), parents))
    return links


def build(focus: int, links: Links, fetch: Callable[[list[int]], list[LibraryImage]]) -> Lineage:
    """The whole family of ``focus``: up to its roots, then every descendant of those roots."""
    parents_map = dict(links)
    children_map: dict[int, list[int]] = {}
    for child, parents in links:
        for parent in parents:
            children_map.setdefault(parent, []).append(child)
    # up: every ancestor
    family: set[int] = set()
    frontier = [focus]
    while frontier and len(family) < MAX_NODES:
        current = frontier.pop()
        if current in family:
            continue
        family.add(current)
        frontier.extend(parents_map.get(current, ()))
    # down: every descendant of the family (siblings and cousins show too)
    frontier = list(family)
    while frontier and len(family) < MAX_NODES:
        current = frontier.pop()
        for child in children_map.get(current, ()):
            if child not in family:
                family.add(child)
                frontier.append(child)
    images = {im.id: im for im in fetch(sorted(family))}
    if focus not in images:
        return Lineage(focus, (), {})
    nodes = {i: LineageNode(im, tuple(p for p in parents_map.get(i, ()) if p in images)) for i, im in images.items()}
    for node in sorted(nodes.values(), key=lambda n: (n.image.created_at, n.image.id)):
        for parent in node.parents:
            nodes[parent].children.append(node.image.id)
        if node.parents:
            node.diff = prompt_diff(nodes[node.parents[0]].image.prompt, node.image.prompt)
    roots = tuple(sorted((i for i, n in nodes.items() if not n.parents), key=lambda i: nodes[i].image.created_at))
    lineage = Lineage(focus, roots or (focus,), nodes)
    for node in lineage.walk():
        for child in node.children:
            nodes[child].depth = max(nodes[child].depth, node.depth + 1)
    return lineage


def request_of(image: LibraryImage) -> GenerationRequest:
    """The settings that made ``image``, as a new generation request ("Reuse settings"). Edits become plain
    generations of the same prompt and options (their input files are not part of the settings)."""
    params = image.params if isinstance(image.params, dict) else {}
    values = {k: v for k, v in params.items() if k not in ("response", "kind", "images", "parent_ids", "parents")}
    values.setdefault("prompt", image.prompt)
    values.setdefault("model", image.model)
    try:
        return GenerationRequest.from_json(values)
    except (TypeError, ValueError):
        return GenerationRequest(prompt=image.prompt, model=image.model)


def enhanced_prompt(image: LibraryImage) -> str | None:
    """The prompt that was sent when it was an enhanced version of the person's own (``original_prompt``)."""
    original = image.params.get("original_prompt") if isinstance(image.params, dict) else None
    return image.prompt if isinstance(original, str) and original and original != image.prompt else None


def own_prompt(image: LibraryImage) -> str:
    original = image.params.get("original_prompt") if isinstance(image.params, dict) else None
    return original if isinstance(original, str) and original else image.prompt
