"""The Dockerfile refers to things that exist: files, the app factory, its routes,
settings and a Python the package supports. (Building the image needs a Docker
daemon, which CI may not have; these checks catch what usually breaks a build.)"""

from __future__ import annotations

import fnmatch
import importlib
import json
import re
import shlex
import tomllib
import warnings
from pathlib import Path

from fastapi import FastAPI
from packaging.specifiers import SpecifierSet

from readiness.settings import Settings

with warnings.catch_warnings():  # starlette prefers the httpx2 package; httpx works
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]


def _instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", text)
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def _args(rest: str) -> list[str]:
    return json.loads(rest) if rest.startswith("[") else shlex.split(rest)


def _ignored(path: str) -> bool:
    patterns = [
        p.strip()
        for p in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if p.strip() and not p.startswith("#")
    ]
    parts = Path(path).parts
    return any(
        fnmatch.fnmatch(path, p) or fnmatch.fnmatch(parts[0], p) for p in patterns
    )


def test_every_copied_path_exists_and_is_not_docker_ignored() -> None:
    copies = [_args(rest)[:-1] for word, rest in _instructions() if word == "COPY"]
    sources = [s.rstrip("/") for srcs in copies for s in srcs]
    assert {"pyproject.toml", "README.md", "src", "api"} <= set(sources)
    for source in sources:
        assert (ROOT / source).exists(), f"Dockerfile copies {source}, which is missing"
        assert not _ignored(source), f"{source} is excluded by .dockerignore"


def test_the_base_image_runs_a_python_the_package_supports() -> None:
    base = next(rest for word, rest in _instructions() if word == "FROM")
    version = re.fullmatch(r"python:(\d+\.\d+)-slim", base)
    assert version, f"unexpected base image {base}"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert version.group(1) + ".0" in SpecifierSet(
        project["project"]["requires-python"]
    )


def test_the_command_serves_the_app_factory_on_the_exposed_port() -> None:
    ins = _instructions()
    cmd = _args(next(rest for word, rest in ins if word == "CMD"))
    assert cmd[0] == "uvicorn" and "--factory" in cmd
    module, _, attr = cmd[1].partition(":")
    factory = getattr(importlib.import_module(module), attr)
    app = factory(Settings(model_dir=ROOT / "no-such-model"))
    assert isinstance(app, FastAPI)
    port = cmd[cmd.index("--port") + 1]
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"
    assert next(rest for word, rest in ins if word == "EXPOSE") == port
    health = next(rest for word, rest in ins if word == "HEALTHCHECK")
    url = re.search(r"http://127\.0\.0\.1:(\d+)(/\w+)", health)
    assert url and url.group(1) == port
    # The health route answers without a model (none is mounted here).
    assert TestClient(app).get(url.group(2)).status_code == 200


def test_it_runs_as_a_non_root_user_with_known_settings() -> None:
    ins = _instructions()
    users = [rest for word, rest in ins if word == "USER"]
    assert users and users[-1] not in {"root", "0"}
    env = " ".join(rest for word, rest in ins if word == "ENV")
    names = re.findall(r"READINESS_([A-Z_]+)=", env)
    assert "MODEL_DIR" in names
    for name in names:
        assert name.lower() in Settings.model_fields, f"READINESS_{name} is unknown"
