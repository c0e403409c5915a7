"""A small process supervisor for bin/run: start the demo's processes, watch them, stop them all.

Ctrl-C (SIGINT) or SIGTERM to the supervisor stops every child: SIGTERM first, SIGKILL after a grace
period, and it waits for each, so no process it started is left behind. If one child dies on its
own, the others are stopped too: a half-running demo would only confuse.
"""

import logging
import signal
import subprocess
import time
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

GRACE_SECONDS = 10.0


class Stop(Exception):
    """SIGINT or SIGTERM arrived: stop everything."""


@dataclass
class Supervisor:
    env: dict
    children: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str, argv: list[str], *, env: dict | None = None) -> None:
        """Start `argv` as `name`, with the supervisor's environment plus `env`."""
        self.children[name] = subprocess.Popen(argv, env={**self.env, **(env or {})})  # noqa: S603 - our own argv

    def watch(self, *, until=None) -> str | None:
        """Block until a child exits (its name) or `until()` is true (None). Signals raise Stop."""
        while True:
            for name, child in self.children.items():
                if child.poll() is not None:
                    return name
            if until is not None and until():
                return None
            time.sleep(0.2)

    def stop(self) -> None:
        alive = [child for child in self.children.values() if child.poll() is None]
        for child in alive:
            child.terminate()
        deadline = time.monotonic() + GRACE_SECONDS
        for child in alive:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def raise_stop_on_signals() -> None:
    def handler(signum, frame):
        raise Stop(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def ignore_signals() -> None:
    """While stopping: a second Ctrl-C must not abandon children half-stopped."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
