"""Queue makespan: 50 jobs, concurrency 4, simulator latency 0.5 s → ideal 50/4 × 0.5 = 6.25 s (goal ≤ 1.1×).

Runs the real QueueRunner + library + SDK against tests/simulator.py. ``python -m bench.queue_makespan``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def _simulator_process(latency: float) -> Iterator[tuple[str, str]]:
    """The simulator in its own process, like the independent server of the acceptance check: its image
    rendering must not compete with the app for the GIL."""
    code = (
        "import sys, time\n"
        "from tests.simulator import OpenAISimulator\n"
        f"sim = OpenAISimulator(latency={latency}).start()\n"
        "print(sim.base_url, sim.api_key, flush=True)\n"
        "sys.stdin.read()\n"
    )
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        base_url, api_key = proc.stdout.readline().split()
        yield base_url, api_key
    finally:
        proc.kill()
        proc.wait()


def measure(jobs: int = 50, concurrency: int = 4, latency: float = 0.5) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as home:
        os.environ["IMAGESTUDIO_HOME"] = home
        from imagestudio.core.capabilities import Capabilities
        from imagestudio.core.library.library import Library
        from imagestudio.core.paths import AppPaths
        from imagestudio.core.providers.openai_provider import OpenAIProvider
        from imagestudio.core.queue.host import LocalHost
        from imagestudio.core.queue.runner import QueueRunner
        from imagestudio.core.queue.store import JobStore
        from imagestudio.core.types import GenerationRequest

        with _simulator_process(latency) as (base_url, api_key):
            library = Library(AppPaths.from_environment().ensure())
            host = LocalHost(library, lambda p, b: OpenAIProvider(api_key=api_key, base_url=b, name=p))
            store = JobStore(library.db)
            requests = [GenerationRequest(f"bench {i}", "gpt-image-2", "1024x1024", "low") for i in range(jobs)]
            store.add(requests, profile="custom", base_url=base_url)

            async def go() -> float:
                runner = QueueRunner(
                    store, host, Capabilities.load(), spawn=lambda c, n: asyncio.ensure_future(c),
                    concurrency=lambda: concurrency, poll_interval=0.2,
                )  # fmt: skip
                await runner.start()
                start = time.perf_counter()
                loop = asyncio.ensure_future(runner.run())
                await runner.wait_idle()
                took = time.perf_counter() - start
                await runner.stop()
                loop.cancel()
                return took

            took = asyncio.run(go())
            host.close()
            library.close()
    return took, jobs / concurrency * latency


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    took, ideal = measure()
    print(f"makespan {took:.2f} s, ideal {ideal:.2f} s, ratio {took / ideal:.3f} (goal ≤ 1.1)")
