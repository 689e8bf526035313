"""Build a big library FAST for P4/P5: rows inserted straight into the library's own schema (one transaction,
``executemany``), the search index filled with the library's own tokeniser, and a handful of small shared
originals and thumbnails on disk (every row points at one of them; sha256 values are made up but unique).

Like a designer's library: images come in jobs of 4 variants (one prompt each) and 3 jobs in 4 are stacks (the
4th were taken out of theirs), so 75 % of the images are stacked; ~30 % are rated 1–5 stars, ~5 % picked, ~3 %
rejected. The stacks' covers are chosen by the library's own ``stacks.refresh``.

``python -m bench.make_library DIR [COUNT]`` — DIR becomes an ``IMAGESTUDIO_HOME``.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import time
from pathlib import Path

from imagestudio.core.files.imageio import make_thumbnail
from imagestudio.core.library import stacks
from imagestudio.core.library.library import Library
from imagestudio.core.library.search import index_text
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.demo import render

SHARED_FILES = 8
VARIANTS = 4  # images per job; jobs whose number is 3 mod 4 are not stacked

# Word pools for prompts: English and Chinese, so searches of both kinds hit broad and narrow sets.
_EN_SUBJECTS = [
    "fox",
    "cat",
    "dog",
    "owl",
    "whale",
    "dragon",
    "robot",
    "castle",
    "lighthouse",
    "forest",
    "city",
    "garden",
    "river",
    "bridge",
    "tiger",
]
_EN_ADJ = [
    "red",
    "blue",
    "golden",
    "misty",
    "tiny",
    "giant",
    "ancient",
    "neon",
    "quiet",
    "stormy",
    "frozen",
    "glowing",
    "paper",
    "wooden",
]
_EN_PLACE = [
    "mountain",
    "beach",
    "desert",
    "meadow",
    "harbour",
    "village",
    "canyon",
    "island",
    "temple",
    "market",
    "station",
]
_EN_STYLE = ["watercolor", "photograph", "oil-painting", "sketch", "3d-render", "pixel-art", "ink", "poster"]
_ZH_SUBJECTS = ["狐狸", "猫", "小狗", "猫头鹰", "鲸鱼", "龙", "机器人", "城堡", "灯塔", "森林", "老虎", "熊猫"]
_ZH_ADJ = ["红色的", "蓝色的", "金色的", "雾中的", "巨大的", "古老的", "安静的", "冰冻的", "发光的"]
_ZH_PLACE = ["雪山", "海边", "沙漠", "草地", "港口", "村庄", "峡谷", "小岛", "寺庙", "市场", "车站"]
_ZH_STYLE = ["水彩画", "照片", "油画", "素描", "水墨画", "海报"]


def prompt_for(i: int, rng: random.Random) -> str:
    if i % 3 == 0:  # a third Chinese
        return f"{rng.choice(_ZH_ADJ)}{rng.choice(_ZH_SUBJECTS)}在{rng.choice(_ZH_PLACE)}，{rng.choice(_ZH_STYLE)}风格"
    return (
        f"a {rng.choice(_EN_ADJ)} {rng.choice(_EN_SUBJECTS)} in a {rng.choice(_EN_PLACE)} at dusk, "
        f"{rng.choice(_EN_STYLE)}, detailed {i}"
    )


def build(home: Path, count: int, *, seed: int = 7) -> float:
    """Create the library under ``home``; returns the seconds it took."""
    start = time.perf_counter()
    paths = AppPaths(home / "data", home / "config", home / "cache", home / "logs").ensure()
    library = Library(paths)  # the real schema and migrations
    shared: list[tuple[str, str, int]] = []
    for k in range(SHARED_FILES):
        data = render(f"shared {k}", k, (256, 256), "png")
        digest = hashlib.sha256(data).hexdigest()
        rel = f"originals/{digest[:2]}/{digest}.png"
        thumb_rel = f"thumbs/{digest[:2]}/{digest}.jpg"
        (paths.data / rel).parent.mkdir(parents=True, exist_ok=True)
        (paths.data / rel).write_bytes(data)
        (paths.cache / thumb_rel).parent.mkdir(parents=True, exist_ok=True)
        (paths.cache / thumb_rel).write_bytes(make_thumbnail(data))
        shared.append((rel, thumb_rel, len(data)))
    rng = random.Random(seed)
    usage = json.dumps({"input_tokens": 20, "output_tokens": 1056, "total_tokens": 1076})
    now = time.time() - count  # one image a second, oldest first, so ids and created_at both grow
    rows, docs = [], []
    stack_ids: list[int] = []
    prompt = ""
    for i in range(count):
        job = i // VARIANTS
        if i % VARIANTS == 0:
            prompt = prompt_for(job, rng)
        stack_id = job + 1 if job % 4 != 3 else None
        if stack_id is not None and i % VARIANTS == 0:
            stack_ids.append(stack_id)
        rating = rng.choice((1, 2, 3, 4, 5)) if rng.random() < 0.3 else 0
        chance = rng.random()
        flag = 1 if chance < 0.05 else -1 if chance < 0.08 else 0
        rel, thumb_rel, size = shared[i % SHARED_FILES]
        params = json.dumps({"prompt": prompt, "model": "gpt-image-2", "size": "1024x1024"}, ensure_ascii=False)
        rows.append(
            (i + 1, f"{i:064x}", rel, thumb_rel, "png", 256, 256, size, prompt, "gpt-image-2", "demo", params, usage,
             1, now + i, 0.01, int(i % 50 == 0), rating, flag, stack_id)
        )  # fmt: skip
        docs.append((i + 1, index_text(prompt), "", ""))
    with library.db.transaction() as c:
        c.executemany(
            "INSERT INTO images (id, sha256, rel_path, thumb_rel, format, width, height, byte_size, prompt, model,"
            " provider, params_json, usage_json, is_demo, created_at, cost_usd, favourite, rating, flag, stack_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        c.executemany("INSERT INTO image_search (rowid, body, tags, notes) VALUES (?, ?, ?, ?)", docs)
        c.executemany("INSERT INTO stacks (id, created_at) VALUES (?, ?)", [(s, now) for s in stack_ids])
        stacks.refresh(c, stack_ids)
    with library.db.transaction() as c:
        c.execute("INSERT INTO image_search (image_search) VALUES ('optimize')")
    library.db.read("PRAGMA wal_checkpoint(TRUNCATE)")
    library.close()
    return time.perf_counter() - start


if __name__ == "__main__":
    target = Path(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    took = build(target, n)
    print(f"built {n} images in {took:.1f} s under {target}")
