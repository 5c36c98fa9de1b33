"""Start the API as deployed: a real uvicorn process on a free loopback port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from clean_env import scrubbed_env

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(
    env: dict[str, str],
    *,
    timeout: float = 60,
    inherit: bool = True,
    log: Path | None = None,
) -> Iterator[str]:
    """The base URL of a uvicorn serving `api.app` with `env`.

    `env` goes over the scrubbed environment (no READINESS_* / MLFLOW_* of the
    developer) unless `inherit` is False (a test that pinned its environment passes
    the whole of it). With `log`, the server's output is
    written there and a Traceback in it fails the test when the server stops.
    """
    port = free_port()
    sink = log.open("w") if log is not None else None
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env={**scrubbed_env(), **env} if inherit else env,
        stdout=sink if sink is not None else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if sink is not None else subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    def output() -> str:
        if log is not None:
            return log.read_text()
        return proc.stderr.read().decode() if proc.stderr else ""

    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                pytest.fail(f"uvicorn exited with {proc.returncode}:\n{output()}")
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"uvicorn did not become ready in {timeout:.0f} s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if sink is not None:
            sink.close()
    if log is not None:
        assert "Traceback" not in log.read_text()
