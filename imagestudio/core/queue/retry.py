"""The queue's one retry policy (the SDK's own retries are off: a retried image request can be billed twice).

* no credit (``QuotaExceeded``), a refused key, a refused prompt, a bad request → fail at once, never retried;
* 429 rate limit → the whole profile waits (``retry-after`` when the server sends it), then the job is tried
  again — rate limits are not the job's fault, so they get a larger budget;
* 5xx, a dropped connection, a cut-off answer → bounded exponential backoff with full jitter;
* an attempt that may have been billed (``possibly_charged``: a 2xx cut off, a timeout after sending) is tried
  again once on its own; a second one in the same run waits for the person (``wait_for_user``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from imagestudio.core.errors import ImageStudioError, QuotaExceeded, RateLimited
from imagestudio.core.i18n.marks import QT_TRANSLATE_NOOP, fill


def waiting_message(error: ImageStudioError) -> str:
    """What a job that waits for the person (``Decision.wait_for_user``) says."""
    template = QT_TRANSLATE_NOOP(
        "CoreMessages",
        "%1 This attempt may have been charged, like the one before it, so it is not retried on its own. "
        "Resume the job to try again.",
    )
    return fill(template, error.message)


@dataclass(frozen=True, slots=True)
class Decision:
    retry: bool
    delay: float = 0.0
    #: every job of the same profile waits (a 429 is about the account, not the job)
    profile_wide: bool = False
    #: not retried on its own because it may have been billed again: the job waits for the person (Resume)
    wait_for_user: bool = False


@dataclass(slots=True)
class RetryPolicy:
    max_attempts: int = 4  # tries of one job per run for server and network errors
    max_rate_limited: int = 10  # 429s one job tolerates before it fails
    base_delay: float = 2.0
    max_delay: float = 60.0
    rate_limit_delay: float = 10.0  # when a 429 comes without retry-after
    max_retry_after: float = 600.0  # a server asking for more is not waited for
    rng: random.Random = field(default_factory=random.Random)

    def decide(
        self, error: ImageStudioError, *, attempt: int, rate_limited_before: int = 0, charged_before: int = 0
    ) -> Decision:
        """``attempt`` counts from 1 for this run of the job (a manual retry starts again at 1);
        ``charged_before``: earlier attempts of this run that may have been billed."""
        if isinstance(error, QuotaExceeded) or not error.retryable:
            return Decision(retry=False)
        if error.possibly_charged and charged_before >= 1:
            return Decision(retry=False, wait_for_user=True)
        if isinstance(error, RateLimited):
            if rate_limited_before + 1 >= self.max_rate_limited:
                return Decision(retry=False)
            if error.retry_after is not None:
                if error.retry_after > self.max_retry_after:
                    return Decision(retry=False)
                # honour the server, plus a little jitter so waiting processes do not all return at once
                delay = error.retry_after + self.rng.uniform(0, min(1.0, error.retry_after * 0.1))
            else:
                delay = self._backoff(self.rate_limit_delay, rate_limited_before + 1)
            return Decision(retry=True, delay=delay, profile_wide=True)
        if attempt >= self.max_attempts:
            return Decision(retry=False)
        return Decision(retry=True, delay=self._backoff(self.base_delay, attempt))

    def _backoff(self, base: float, attempt: int) -> float:
        ceiling = min(self.max_delay, base * 2 ** (attempt - 1))
        return self.rng.uniform(ceiling / 2, ceiling)  # "equal jitter": never zero, never in lockstep
