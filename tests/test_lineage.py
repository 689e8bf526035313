"""Lineage from the library: parents read from params, the family tree, and prompt diffs (Chinese too)."""

from __future__ import annotations

from imagestudio.core.library.library import Library
from imagestudio.core.lineage import build, links_sql, parents_of, parse_links, prompt_diff
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.demo import DemoProvider
from imagestudio.core.types import GenerationRequest, LibraryImage
from tests.aio import run


def test_parents_from_either_key_and_bad_values_ignored() -> None:
    assert parents_of({"parents": [3, 1], "parent_ids": [1, 2]}) == (3, 1, 2)
    assert parents_of({"parents": "7", "parent_ids": [True, None, 4.5, 9]}) == (9,)
    assert parents_of({}) == ()


def test_prompt_diff_words_and_chinese_characters() -> None:
    parts = prompt_diff("a red cat on a sofa", "a blue cat on a sofa")
    assert [(p.op, p.text) for p in parts if p.op != "same"] == [("removed", "red"), ("added", "blue")]
    zh = prompt_diff("一只橘猫在月球上", "一只黑猫在月球上弹吉他")
    changed = [(p.op, p.text) for p in zh if p.op != "same"]
    assert changed == [("removed", "橘"), ("added", "黑"), ("added", "弹吉他")]
    assert "".join(p.text for p in zh if p.op != "removed") == "一只黑猫在月球上弹吉他"


def _store(library: Library, prompt: str, parents: list[int] | None = None) -> LibraryImage:
    request = GenerationRequest(prompt=prompt, model="gpt-image-2", size="1024x1024")
    result = run(DemoProvider(latency=0).generate(request))
    images = library.ingest(request, result)
    if parents is not None:  # as the edit flow stores it: the input ids in the params JSON
        with library.db.transaction() as c:
            c.execute(
                "UPDATE images SET params_json = json_set(params_json, '$.parents', json(?)) WHERE id = ?",
                (str(parents), images[0].id),
            )
    return images[0]


def test_family_tree_from_a_real_library(paths: AppPaths) -> None:
    library = Library(paths)
    try:
        root = _store(library, "a cat")
        child = _store(library, "a black cat", [root.id])
        grandchild = _store(library, "a black cat with a hat", [child.id])
        sibling = _store(library, "a cat in the rain", [root.id])
        _unrelated = _store(library, "a dog")
        links = parse_links(library.db.read(links_sql()))
        lineage = build(grandchild.id, links, library.db.get_many)
    finally:
        library.close()
    assert lineage.roots == (root.id,)
    assert set(lineage.nodes) == {root.id, child.id, grandchild.id, sibling.id}
    order = [(n.image.id, n.depth) for n in lineage.walk()]
    assert order == [(root.id, 0), (child.id, 1), (grandchild.id, 2), (sibling.id, 1)]
    assert [(p.op, p.text) for p in lineage.nodes[grandchild.id].diff if p.op != "same"] == [("added", " with a hat")]


def test_cycle_in_bad_data_does_not_hang() -> None:
    def fake(ids: list[int]) -> list[LibraryImage]:
        return [LibraryImage(i, "x", "p", 1, 1, "png", f"p{i}", "m", "demo", float(i), {}, {}) for i in ids]

    lineage = build(1, [(1, (2,)), (2, (1,))], fake)
    assert {n.image.id for n in lineage.walk()} == {1, 2}
