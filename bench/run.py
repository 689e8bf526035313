"""`make bench`: run the benchmarks, print a table, write bench/results.json.

Every figure is compared with a baseline measured in the same run on the same machine (machines here are
noisy, with 2 cores): an absolute time alone means little. A benchmark that cannot run says why.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from bench.harness import Result, table, write_results

HERE = Path(__file__).resolve().parent


def _guarded(result_id: str, measure: str, goal: str, fn: Callable[[], list[Result]]) -> list[Result]:
    try:
        return fn()
    except Exception as e:  # a failing benchmark reports why instead of a number
        traceback.print_exc()
        return [Result(result_id, measure, "", goal, note=f"could not run: {type(e).__name__}: {e}"[:200])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and smaller data, for a smoke run")
    parser.add_argument("--only", help="comma-separated ids, e.g. P1,P3")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    only = set(args.only.upper().split(",")) if args.only else None
    runs = 3 if args.quick else 7

    from bench import flick, ingest, responsiveness, scale, startup
    from bench.make_library import build

    library_size = 10_000 if args.quick else 100_000
    library_home: list[Path] = []  # built once, on first use, shared by P4, P5 and P10

    def library() -> Path:
        if not library_home:
            home = Path(tempfile.mkdtemp(prefix="bench-library-"))
            print(f"  building a {library_size:,}-image library …", file=sys.stderr, flush=True)
            print(f"  built in {build(home, library_size):.1f} s", file=sys.stderr, flush=True)
            library_home.append(home)
        return library_home[0]

    plan: list[tuple[str, str, str, Callable[[], list[Result]]]] = [
        ("P1", "cold start → window shown", "≤ 1.3×", lambda: startup.measure(runs)),
        ("P2", "GUI stall while streaming", "≤ 16 ms", lambda: [responsiveness.measure_stall(3 if args.quick else 5)]),
        ("P3", "result → disk + row + thumb", "≤ 1.2×", lambda: [ingest.measure_ingest(10 if args.quick else 30)]),
        (
            "P4",
            "first gallery page, big library",
            "≤ +0.5 s",
            lambda: scale.measure_gallery(library(), library_size, 3 if args.quick else 5),
        ),
        (
            "P5",
            "search p95",
            "≤ 20 ms, ≤ 1.5×",
            lambda: scale.measure_search(library(), library_size, 5 if args.quick else 15),
        ),
        ("P6", "queue makespan", "≤ 1.1×", lambda: [responsiveness.measure_makespan(2 if args.quick else 3)]),
        ("P7", "thumbnails", "≤ 1.3×", lambda: [ingest.measure_thumbnails(200 if args.quick else 1000)]),
        ("P8", "package size", "≤ 45 / 140 MB", responsiveness.measure_package),
        (
            "P10",
            "flick-scrolling a big library",
            "≤ 16 ms, ≤ 300 ms",
            lambda: flick.measure_flick(library(), library_size, 1 if args.quick else 3),
        ),
    ]
    results: list[Result] = []
    try:
        for result_id, measure, goal, fn in plan:
            if only and result_id not in only and not (result_id == "P1" and "P9" in only):
                continue
            print(f"running {result_id}: {measure} …", file=sys.stderr, flush=True)
            results.extend(_guarded(result_id, measure, goal, fn))
    finally:
        for home in library_home:
            shutil.rmtree(home, ignore_errors=True)
    print(table(results))
    write_results(HERE / "results.json", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
