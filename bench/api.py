"""Latency and throughput of our API vs `mlflow models serve` on the same model.

Builds a world, trains and registers a model in a temporary MLflow sqlite store,
starts both servers on loopback (one uvicorn worker each), scores the same
toss-up: ours from the raw lead (`/v1/score`, with explanations), MLflow's from
the lead's prepared feature row (`/invocations`, probability only). Prints a table
and, last, one JSON line.

    .venv/bin/python bench/api.py --leads 3000 --seed 7 --requests 200
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CONCURRENCY = (1, 8, 32)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    out = log.open("wb")
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out)


def wait_ready(proc: subprocess.Popen, url: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise SystemExit(
        f"server not ready after {timeout:.0f} s:\n{log.read_text()[-3000:]}"
    )


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def train_and_register(work: Path, n_leads: int, seed: int, uri: str) -> Path:
    """`readiness train` as a function: bundle, timing model, MLflow champion."""
    from readiness.model.config import TrainConfig
    from readiness.settings import Settings
    from readiness.simulate.config import WorldConfig
    from readiness.simulate.store import write_world
    from readiness.simulate.world import simulate_world
    from readiness.workflows.train import run_training

    data = work / "world"
    write_world(simulate_world(WorldConfig(n_leads=n_leads, seed=seed)), data)
    run_training(
        data,
        model_dir=work / "bundle",
        config=TrainConfig(n_estimators=150, text_components=8, min_toss_ups=300),
        settings=Settings(project_dir=work, tracking_uri=uri),
    )
    return data


def in_process_latency(
    bundle_dir: Path, body: dict[str, Any], n: int
) -> dict[str, float]:
    """One lead with explanations through the API's own function, no HTTP: what
    the single-lead path costs (issue 18's target: p50 <= 8 ms)."""
    # the api package lives at the repository root; this file is also "api.py",
    # and its own directory comes first on the path
    sys.path.insert(0, str(ROOT))
    from api.schemas import ScoreIn
    from api.service import score_one
    from readiness.model.bundle import load_bundle

    bundle = load_bundle(bundle_dir)
    item = ScoreIn.model_validate(body)
    t = time.perf_counter()
    score_one(item, bundle=bundle)
    first = time.perf_counter() - t
    times = []
    for _ in range(max(n, 20)):
        t = time.perf_counter()
        score_one(item, bundle=bundle)
        times.append(time.perf_counter() - t)
    ms = np.asarray(times) * 1000
    return {
        "first_ms": first * 1000,
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
    }


def one_lead(data: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """A toss-up as our request body and as MLflow's dataframe_split feature row."""
    from readiness.data.load import load_dataset
    from readiness.features.build import build_features
    from readiness.scoring.lead import lead_request
    from readiness.workflows.tracking import as_strings

    ds = load_dataset(data)
    lead_id = str(ds.handoffs["lead_id"].iloc[len(ds.handoffs) // 2])
    body = {**lead_request(ds, lead_id), "explain": True}
    points = pd.DataFrame(
        [{"lead_id": lead_id, "as_of": pd.Timestamp(body["as_of"]),
          "memo": body["memo"], "is_rep": body["is_rep"], "fs_rep": body["fs_rep"]}]
    )  # fmt: skip
    row = as_strings(build_features(ds, points))
    records = [[_plain(v) for v in row.iloc[0].tolist()]]
    split = {"dataframe_split": {"columns": list(row.columns), "data": records}}
    return body, split


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def measure(
    call: Callable[[httpx.Client], httpx.Response],
    *,
    clients: int,
    requests: int,
    max_seconds: float,
) -> dict[str, float]:
    """`requests` calls spread over `clients` threads (each its own connection)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per = max(1, requests // clients)
    deadline = time.monotonic() + max_seconds

    def worker() -> None:
        nonlocal errors
        with httpx.Client(timeout=60) as http:
            for _ in range(per):
                if time.monotonic() > deadline:
                    return
                t = time.perf_counter()
                try:
                    ok = call(http).status_code == 200
                except httpx.HTTPError:
                    ok = False
                ms = (time.perf_counter() - t) * 1000
                with lock:
                    latencies.append(ms)
                    errors += not ok

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    lat = np.asarray(latencies)
    return {
        "n": len(lat),
        "p50_ms": float(np.percentile(lat, 50)),
        "p99_ms": float(np.percentile(lat, 99)),
        "rps": len(lat) / elapsed,
        "errors": errors,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--leads", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--max-seconds", type=float, default=60.0)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        work = Path(tmp)
        uri = f"sqlite:///{work / 'mlflow.db'}"
        env = {
            **os.environ,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "MLFLOW_TRACKING_URI": uri,
            "READINESS_TRACKING_URI": uri,
            "READINESS_PROJECT_DIR": str(work),
            "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
        }
        t0 = time.perf_counter()
        data = train_and_register(work, args.leads, args.seed, uri)
        print(f"trained and registered in {time.perf_counter() - t0:.1f} s", flush=True)
        body, split = one_lead(data)
        in_process = in_process_latency(work / "bundle", body, args.requests)
        print(
            f"in process  p50 {in_process['p50_ms']:.1f} ms  p99 "
            f"{in_process['p99_ms']:.1f} ms  "
            f"(first call {in_process['first_ms']:.1f} ms)",
            flush=True,
        )

        ours_port, ml_port = free_port(), free_port()
        ours_env = {
            **env,
            "READINESS_MODEL_URI": "models:/lead-readiness@champion",
            "READINESS_API_KEY": "",
        }
        ours = start(
            [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(ours_port), "--workers", "1",
             "--log-level", "warning"],
            ours_env, work / "ours.log",
        )  # fmt: skip
        mlf = start(
            [str(BIN / "mlflow"), "models", "serve", "-m",
             "models:/lead-readiness@champion", "--env-manager", "local",
             "-h", "127.0.0.1", "-p", str(ml_port), "-w", "1"],
            env, work / "mlflow.log",
        )  # fmt: skip
        try:
            ours_url, ml_url = (
                f"http://127.0.0.1:{ours_port}",
                f"http://127.0.0.1:{ml_port}",
            )
            wait_ready(ours, f"{ours_url}/readyz", work / "ours.log", 90)
            wait_ready(mlf, f"{ml_url}/ping", work / "mlflow.log", 120)

            def call_ours(http: httpx.Client) -> httpx.Response:
                return http.post(f"{ours_url}/v1/score", json=body)

            def call_mlflow(http: httpx.Client) -> httpx.Response:
                return http.post(f"{ml_url}/invocations", json=split)

            with httpx.Client(timeout=60) as http:
                first = call_ours(http)
                check = call_mlflow(http)
                if first.status_code != 200 or check.status_code != 200:
                    raise SystemExit(
                        f"warm-up failed: ours {first.status_code} {first.text[:500]}"
                        f" / mlflow {check.status_code} {check.text[:500]}"
                    )
                p_ours = first.json()["probability"]
                p_ml = check.json()["predictions"][0]["probability"]
                for _ in range(10):
                    call_ours(http), call_mlflow(http)

            results: dict[str, dict[str, float]] = {}
            for c in CONCURRENCY:
                for name, call in (("ours", call_ours), ("mlflow", call_mlflow)):
                    r = measure(
                        call,
                        clients=c,
                        requests=args.requests,
                        max_seconds=args.max_seconds,
                    )
                    results[f"{name}_{c}"] = r
                    print(
                        f"{name:>6} ×{c:<2}  n={r['n']:4d}  p50 {r['p50_ms']:7.1f} ms"
                        f"  p99 {r['p99_ms']:7.1f} ms  {r['rps']:7.1f} req/s"
                        f"  errors {r['errors']}",
                        flush=True,
                    )
        finally:
            stop(ours)
            stop(mlf)

    line: dict[str, Any] = {
        "leads": args.leads,
        "seed": args.seed,
        "requests": args.requests,
        "in_process_p50_ms": round(in_process["p50_ms"], 2),
        "in_process_p99_ms": round(in_process["p99_ms"], 2),
        "in_process_first_ms": round(in_process["first_ms"], 2),
        "p50_ms_ours": round(results["ours_1"]["p50_ms"], 2),
        "p50_ms_mlflow": round(results["mlflow_1"]["p50_ms"], 2),
        "p99_ms_ours_8": round(results["ours_8"]["p99_ms"], 2),
        "p99_ms_mlflow_8": round(results["mlflow_8"]["p99_ms"], 2),
        "errors": int(sum(r["errors"] for r in results.values())),
        "same_probability": abs(p_ours - p_ml) < 1e-9,
    }
    for c in CONCURRENCY:
        line[f"rps_ours_{c}"] = round(results[f"ours_{c}"]["rps"], 1)
        line[f"rps_mlflow_{c}"] = round(results[f"mlflow_{c}"]["rps"], 1)
    line["p50_ours_le_mlflow"] = line["p50_ms_ours"] <= line["p50_ms_mlflow"]
    line["p99_ours_8_le_50ms"] = line["p99_ms_ours_8"] <= 50
    line["in_process_p50_le_8ms"] = line["in_process_p50_ms"] <= 8
    print(json.dumps(line))


if __name__ == "__main__":
    main()
