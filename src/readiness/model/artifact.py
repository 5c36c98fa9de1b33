"""Model artifacts that execute nothing when loaded (docs/artifact.md).

An artifact is a directory of plain files — JSON, numpy `.npy` (read with
`allow_pickle=False`) and LightGBM model text — listed in `manifest.json` with
each file's sha256 and size, the format version and the package version. The
reader refuses a file that is missing, tampered with (its checksum differs) or an
object array, and a format version nobody wrote a loader for; every refusal says
what, where and the fix. No pickle: a pickle records module paths (a module move
breaks every saved model) and loading it runs code.

`encode`/`decode` turn a *state* (nested dicts, lists, numbers, strings, numpy
arrays and scalars) into JSON plus `.npy` files and back; which objects a state
describes is the caller's business (`readiness.model.bundle_state`).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import shutil
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, Final

import numpy as np

from readiness.errors import ReadinessError
from readiness.version import __version__

__all__ = [
    "FORMAT_VERSION",
    "MANIFEST",
    "ArtifactReader",
    "ArtifactWriter",
    "child",
    "library_versions",
    "open_artifact",
    "staged_directory",
]

# The one format version of every artifact readiness writes (bundle, timing).
# Raising it: docs/artifact.md, "Raising the format version".
# 3: the first pickle-free format (versions 1-2 were joblib pickles).
FORMAT_VERSION: Final = 3
MANIFEST: Final = "manifest.json"
# numpy kinds an artifact may hold: bool, signed and unsigned integers, floats.
_ARRAY_KINDS: Final = "biuf"

Hook = Callable[[Any, str], Any]


def library_versions() -> dict[str, str]:
    """Versions of the libraries whose objects an artifact rebuilds."""
    import lightgbm
    import sklearn

    return {
        "readiness": __version__,
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "lightgbm": lightgbm.__version__,
    }


class ArtifactWriter:
    """Collects an artifact's files in memory; `write` puts them in a directory."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def _put(self, name: str, data: bytes) -> str:
        _check_name(name)
        if name in self.files or name == MANIFEST:
            raise ValueError(f"artifact file {name!r} written twice")
        self.files[name] = data
        return name

    def json(self, name: str, value: Any) -> str:
        text = json.dumps(value, ensure_ascii=False, indent=1, allow_nan=False)
        return self._put(name, (text + "\n").encode("utf-8"))

    def text(self, name: str, value: str) -> str:
        return self._put(name, value.encode("utf-8"))

    def array(self, name: str, value: np.ndarray) -> str:
        array = np.asarray(value)
        if array.dtype.kind not in _ARRAY_KINDS:
            raise ValueError(
                f"{name}: arrays of dtype {array.dtype} cannot be stored without "
                "pickle; convert them first"
            )
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
        return self._put(name, buffer.getvalue())

    def encode(self, value: Any, name: str, *, hook: Hook | None = None) -> Any:
        """`value` as JSON; numeric arrays become `name.npy` files (`{"$npy": …}`).

        `hook(value, name)` may encode what this does not know (fitted objects);
        it returns NotImplemented to decline.
        """
        if hook is not None:
            done = hook(value, name)
            if done is not NotImplemented:
                return done
        if value is None or isinstance(value, bool | str):
            return value
        if isinstance(value, int) and not isinstance(value, np.generic):
            return value
        if isinstance(value, float) and not isinstance(value, np.generic):
            return value if math.isfinite(value) else {"$float": repr(value)}
        if isinstance(value, np.generic):
            scalar = value.item()
            if isinstance(scalar, float) and not math.isfinite(scalar):
                scalar = repr(scalar)
            return {"$scalar": value.dtype.str, "value": scalar}
        if isinstance(value, np.dtype):
            return {"$dtype": value.str}
        if isinstance(value, type) and issubclass(value, np.generic):
            return {"$type": np.dtype(value).str}
        if isinstance(value, np.ndarray):
            return self._encode_array(value, name)
        if isinstance(value, tuple):
            return {
                "$tuple": [
                    self.encode(v, f"{name}/{i}", hook=hook)
                    for i, v in enumerate(value)
                ]
            }
        if isinstance(value, list):
            return [
                self.encode(v, f"{name}/{i}", hook=hook) for i, v in enumerate(value)
            ]
        if isinstance(value, Mapping):
            if not all(isinstance(k, str) and not k.startswith("$") for k in value):
                raise ValueError(f"{name}: only string keys (not '$…') can be stored")
            kinds = {v.dtype.str for v in value.values() if isinstance(v, np.integer)}
            if (
                value
                and len(kinds) == 1
                and all(isinstance(v, np.integer) for v in value.values())
            ):
                # e.g. a vocabulary: token → column, without a tag per entry
                return {
                    "$index": {k: int(v) for k, v in value.items()},
                    "dtype": kinds.pop(),
                }
            return {
                k: self.encode(v, child(name, k), hook=hook) for k, v in value.items()
            }
        raise ValueError(f"{name}: a {type(value).__name__} cannot be stored")

    def _encode_array(self, value: np.ndarray, name: str) -> Any:
        if value.dtype.kind in _ARRAY_KINDS:
            return {"$npy": self.array(f"{name}.npy", value)}
        items = value.tolist()
        if value.ndim == 1 and all(isinstance(v, str) for v in items):
            return {"$strings": items, "dtype": value.dtype.str}
        if (
            value.ndim == 1
            and value.dtype.kind == "O"
            and all(isinstance(v, int | float) and math.isfinite(v) for v in items)
        ):
            return {"$objects": items}
        raise ValueError(f"{name}: an array of dtype {value.dtype} cannot be stored")

    def write(self, directory: Path, manifest: Mapping[str, Any]) -> None:
        """Write every file and `manifest.json` (with checksums) into `directory`."""
        directory = Path(directory)
        for name, data in self.files.items():
            path = directory / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        files = {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in sorted(self.files.items())
        }
        head = {
            "format_version": FORMAT_VERSION,
            "package_version": __version__,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "libraries": library_versions(),
        }
        text = json.dumps(
            {**head, **manifest, "files": files},
            ensure_ascii=False,
            indent=1,
            allow_nan=False,
        )
        (directory / MANIFEST).write_text(text + "\n", encoding="utf-8")


@contextmanager
def staged_directory(out_dir: Path) -> Iterator[Path]:
    """A fresh sibling directory that replaces `out_dir` only if the block succeeds.

    A half-written artifact never replaces a good one.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_dir.with_name(f".{out_dir.name}.{uuid.uuid4().hex}.tmp")
    tmp.mkdir()
    try:
        yield tmp
        old = out_dir.with_name(f".{out_dir.name}.{uuid.uuid4().hex}.old")
        if out_dir.exists():
            os.replace(out_dir, old)
        os.replace(tmp, out_dir)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


class ArtifactReader:
    """An artifact's verified files: every read returns the bytes that matched
    the manifest's checksum, parsed without executing anything."""

    def __init__(
        self,
        path: Path,
        manifest: dict[str, Any],
        files: dict[str, bytes],
        *,
        error: type[ReadinessError],
        fix: str,
    ) -> None:
        self.path = path
        self.manifest = manifest
        self._files = files
        self._error = error
        self._fix = fix

    @property
    def version(self) -> int:
        return int(self.manifest["format_version"])

    def refuse(self, what: str) -> ReadinessError:
        """An error naming the artifact, what is wrong and the fix."""
        return self._error(f"{self.path}: {what}; {self._fix}")

    def _bytes(self, name: str) -> bytes:
        if name not in self._files:
            raise self.refuse(
                f"{name} is not listed in {MANIFEST} (an incomplete artifact)"
            )
        return self._files[name]

    def has(self, name: str) -> bool:
        return name in self._files

    def json(self, name: str) -> Any:
        try:
            return json.loads(self._bytes(name).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise self.refuse(f"{name} is not valid JSON ({exc})") from exc

    def text(self, name: str) -> str:
        try:
            return self._bytes(name).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self.refuse(f"{name} is not UTF-8 text ({exc})") from exc

    def array(self, name: str) -> np.ndarray:
        try:
            array = np.load(io.BytesIO(self._bytes(name)), allow_pickle=False)
        except ValueError as exc:
            if "allow_pickle" in str(exc):
                raise self.refuse(
                    f"{name} holds an object array, which only a pickle can read "
                    "and an artifact never holds"
                ) from exc
            raise self.refuse(f"{name} is not a numpy .npy array ({exc})") from exc
        except OSError as exc:
            raise self.refuse(f"{name} is not a numpy .npy array ({exc})") from exc
        if not isinstance(array, np.ndarray) or array.dtype.kind not in _ARRAY_KINDS:
            raise self.refuse(
                f"{name} has dtype {getattr(array, 'dtype', '?')}; an artifact holds "
                "only bool, integer and float arrays"
            )
        return array

    def decode(self, value: Any, *, hook: Hook | None = None) -> Any:
        """The inverse of `ArtifactWriter.encode` (same `hook` contract)."""
        if hook is not None:
            done = hook(value, "")
            if done is not NotImplemented:
                return done
        if isinstance(value, list):
            return [self.decode(v, hook=hook) for v in value]
        if not isinstance(value, dict):
            return value
        tags = [k for k in value if k.startswith("$")]
        if not tags:
            return {k: self.decode(v, hook=hook) for k, v in value.items()}
        tag = tags[0]
        try:
            if tag == "$npy":
                return self.array(str(value[tag]))
            if tag == "$tuple":
                return tuple(self.decode(v, hook=hook) for v in value[tag])
            if tag == "$float":
                return float(value[tag])
            if tag == "$scalar":
                scalar = value["value"]
                return np.dtype(value[tag]).type(
                    float(scalar) if isinstance(scalar, str) else scalar
                )
            if tag == "$dtype":
                return _dtype(value[tag])
            if tag == "$type":
                return _dtype(value[tag]).type
            if tag == "$strings":
                return np.array(value[tag], dtype=_dtype(value["dtype"]))
            if tag == "$index":
                kind = _dtype(value["dtype"]).type
                return {str(k): kind(v) for k, v in value[tag].items()}
            if tag == "$objects":
                return np.array(value[tag], dtype=object)
        except (KeyError, TypeError, ValueError) as exc:
            raise self.refuse(f"a malformed {tag} entry ({exc})") from exc
        raise self.refuse(f"an unknown entry {tag!r} (written by a newer readiness?)")


def child(name: str, key: str) -> str:
    """The file-name stem of an entry: `estimator` + `scorer_` → `estimator/scorer_`
    (attribute names as they are: `n_iter` and `n_iter_` never collide)."""
    return f"{name}/{key}"


def _dtype(text: str) -> np.dtype:
    dtype = np.dtype(text)
    if dtype.kind not in _ARRAY_KINDS + "OU":
        raise ValueError(f"dtype {text!r} is not allowed")
    return dtype


def _check_name(name: str) -> None:
    pure = PurePosixPath(name)
    if (
        not name
        or pure.is_absolute()
        or ".." in pure.parts
        or "\\" in name
        or str(pure) != name
    ):
        raise ValueError(f"{name!r} is not a relative artifact file name")


def open_artifact(
    path: Path,
    *,
    kind: str,
    versions: Collection[int],
    error: type[ReadinessError],
    fix: str,
) -> ArtifactReader:
    """Read and verify an artifact directory: manifest, format version, every file.

    Refuses (raising `error`) a missing manifest or file, a size or checksum that
    differs from the manifest, another artifact kind, or a format version that
    is not in `versions` (the loaders kept).
    """
    path = Path(path)
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise error(f"{path} has no {MANIFEST}: not a readiness artifact; {fix}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise error(f"{manifest_path} is unreadable ({exc}); {fix}") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise error(f"{manifest_path} is not an artifact manifest; {fix}")
    if manifest.get("kind") != kind:
        raise error(
            f"{path} holds a {manifest.get('kind')!r} artifact, not {kind!r}; {fix}"
        )
    version = manifest.get("format_version")
    if version not in versions:
        known = ", ".join(str(v) for v in sorted(versions))
        made_by = manifest.get("package_version", "unknown")
        raise error(
            f"{path} has artifact format version {version!r}; readiness "
            f"{__version__} reads version {known}. {fix}, or use the readiness "
            f"version that made it ({made_by})"
        )
    files: dict[str, bytes] = {}
    for name, entry in manifest["files"].items():
        try:
            _check_name(name)
            size, digest = int(entry["size"]), str(entry["sha256"])
        except (ValueError, TypeError, KeyError) as exc:
            raise error(f"{manifest_path} lists {name!r} badly ({exc}); {fix}") from exc
        file = path / name
        if not file.is_file():
            raise error(
                f"{file} is missing (listed in {MANIFEST}): the artifact is "
                f"incomplete; {fix}"
            )
        data = file.read_bytes()
        if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
            raise error(
                f"{file} differs from its checksum in {MANIFEST}: tampered or "
                f"damaged: retrain or restore the artifact from a backup ({fix})"
            )
        files[name] = data
    return ArtifactReader(path, manifest, files, error=error, fix=fix)
