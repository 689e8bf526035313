"""Child process of P2 and P6 (bench/responsiveness.py): the real app (compose, controller, queue, library,
SDK over HTTP) pointed at a simulator running in ANOTHER process, like a remote server.

``python -m bench.queue_child stall BASE_URL KEY`` — 8 jobs × 3 partials of 1536×1024, all at once; a
precise 4 ms QTimer heartbeat on the GUI thread; prints the worst gap beyond the interval (ms).
``python -m bench.queue_child makespan BASE_URL KEY JOBS CONCURRENCY`` — prints seconds from submitting the
jobs to the last one done.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
import tempfile
import time

HEARTBEAT_MS = 4


def main() -> None:
    mode, base_url, key = sys.argv[1:4]
    import qasync
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from imagestudio.core.paths import AppPaths
    from imagestudio.core.secrets import KeyStore
    from imagestudio.core.types import GenerationRequest, JobState
    from imagestudio.main import compose

    home = tempfile.mkdtemp(prefix="bench-queue-")
    os.environ["IMAGESTUDIO_HOME"] = home
    app = QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    parts = compose(AppPaths.from_environment(), KeyStore())
    jobs = 8 if mode == "stall" else int(sys.argv[4])
    concurrency = 8 if mode == "stall" else int(sys.argv[5])
    parts.settings.update(provider="custom", base_url=base_url, queue_concurrency=concurrency, onboarding_done=True)
    parts.keys.set_session("custom", key)
    parts.window.resize(1400, 860)
    parts.window.show()
    gaps: list[float] = []
    last = [0.0]

    def beat() -> None:
        now = time.perf_counter()
        if last[0]:
            gaps.append((now - last[0]) * 1000 - HEARTBEAT_MS)
        last[0] = now

    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.timeout.connect(beat)

    async def run() -> dict[str, float]:
        await parts.start()
        gc.freeze()  # as run_gui does after start-up
        sys.setswitchinterval(0.001)  # likewise
        await asyncio.sleep(0.5)  # the window's first paints and start-up work are not what is measured
        if mode == "stall":
            request = GenerationRequest("a red fox in the snow", "gpt-image-2", "1536x1024", "low", partial_images=3)
        else:
            request = GenerationRequest("a red fox in the snow", "gpt-image-2", "1024x1024", "low")
        # As a person does, the prompt is written before Generate: meanwhile the app loads the SDK and builds
        # the client (GenerationController.warm_up, on the editor's textChanged). Waiting for that here keeps a
        # fast typist's first request out of the figure, which is about the queue, not the first use of the SDK.
        parts.window.prompt_editor.prompt.setPlainText(request.prompt)
        warming = [t for t in asyncio.all_tasks() if t.get_name() == "provider-warm-up"]
        if not warming:
            raise RuntimeError("typing a prompt did not start the provider warm-up")
        await asyncio.gather(*warming)
        heartbeat.start(HEARTBEAT_MS)
        start = time.perf_counter()
        submitted = [parts.controller.submit(request) for _ in range(jobs)]
        while any(j.id == 0 or not j.state.finished for j in submitted) or parts.controller.active_count():
            await asyncio.sleep(0.01)
        took = time.perf_counter() - start
        heartbeat.stop()
        states = [parts.controller.job(j.id).state for j in submitted]
        done = sum(1 for s in states if s is JobState.DONE)
        if done != jobs:
            errors = {parts.controller.job(j.id).error for j in submitted}
            raise RuntimeError(f"{done}/{jobs} jobs done: {errors}")
        worst = max(gaps) if gaps else 0.0
        over_16 = sum(1 for g in gaps if g > 16)
        return {"makespan_s": took, "worst_stall_ms": worst, "stalls_over_16ms": over_16, "beats": len(gaps)}

    try:
        report = loop.run_until_complete(run())
    except Exception as e:  # the parent shows why
        print(json.dumps({"error": f"{type(e).__name__}: {e}"[:300]}), flush=True)
        os._exit(1)
    print(json.dumps(report), flush=True)
    os._exit(0)


if __name__ == "__main__":
    main()
