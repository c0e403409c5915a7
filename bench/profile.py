"""Optional sampling profile of the gunicorn workers while one side runs (`--profile`), with py-spy.

py-spy (pip install py-spy==0.4.3) attaches to running processes without changing them; its
collapsed stacks go to var/bench/profile-<side>.txt, one "frame;frame;... count" line per stack.
"""

import shutil
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def sampled(*, pid: int, out: Path, enabled: bool):
    """Sample `pid` and its children (gunicorn's workers, Celery's pool) until the block ends."""
    exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not enabled or not Path(exe).exists():
        yield None
        return
    argv = [exe, "record", "--pid", str(pid), "--subprocesses", "--rate", "200", "--format", "raw",
            "--output", str(out), "--nonblocking"]  # fmt: skip
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        yield out
    finally:
        proc.send_signal(signal.SIGINT)  # py-spy writes its output when interrupted
        proc.wait(timeout=60)


def top_frames(path: Path, *, prefix: str = "", limit: int = 15) -> list[tuple[str, float]]:
    """Share of samples in which each function of the project (not the stdlib) appears, highest first."""
    totals: dict[str, int] = {}
    samples = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples += int(count)
        for frame in {frame for frame in stack.split(";") if prefix in frame}:
            totals[frame] = totals.get(frame, 0) + int(count)
    ranked = sorted(totals.items(), key=lambda item: -item[1])[:limit]
    return [(frame, count / samples) for frame, count in ranked] if samples else []
