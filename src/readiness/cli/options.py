"""Options and progress displays shared by several commands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

BUNDLE_HELP = (
    "Bundle directory (default: $READINESS_MODEL_DIR or models/lead-readiness)."
)


def data_dir_argument(f: F) -> F:
    """DATA_DIR: a data directory of the contract."""
    return click.argument(
        "data_dir", metavar="DATA_DIR", type=click.Path(path_type=Path)
    )(f)


def json_option(help: str) -> Callable[[F], F]:
    return click.option("--json", "as_json", is_flag=True, help=help)


def no_tracking_option(f: F) -> F:
    return click.option("--no-tracking", is_flag=True, help="Do not log to MLflow.")(f)


def bundle_option(flag: str) -> Callable[[F], F]:
    """The bundle directory option (`--out` when training writes it, else `--model`)."""
    return click.option(
        flag,
        "model_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help=BUNDLE_HELP,
    )


def format_option(f: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["parquet", "csv"]),
        default="parquet",
        show_default=True,
    )(f)


def say(msg: str) -> None:
    """A progress or warning line: stderr, so stdout stays the result."""
    click.echo(msg, err=True)


def step(msg: str) -> None:
    """A progress line of a long step (`… building features`)."""
    click.echo(f"… {msg}", err=True)


@contextmanager
def chunk_bar(desc: str, unit: str) -> Iterator[Callable[[int, int], None]]:
    """A tqdm bar driven by `progress(done, total)` callbacks; made on first call."""
    from tqdm import tqdm

    bars: list[Any] = []

    def progress(done: int, total: int) -> None:
        if not bars:
            bars.append(tqdm(total=0, unit=unit, desc=desc, file=None, disable=None))
        bar = bars[0]
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        yield progress
    finally:
        for bar in bars:
            bar.close()


@contextmanager
def click_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """click's progress bar driven by `progress(done, total)`; made on first call."""
    bars: list[Any] = []

    def progress(done: int, total: int) -> None:
        if not bars:
            bar = click.progressbar(length=total, label=label, file=None)
            bars.append(bar.__enter__())
        bar = bars[0]
        bar.update(done - bar.pos)

    try:
        yield progress
    finally:
        for bar in bars:
            bar.__exit__(None, None, None)
