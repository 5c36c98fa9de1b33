"""A Spark session for the commands that run on Spark (`score-batch --engine spark`).

The master comes from `--spark-master`, else `READINESS_SPARK_MASTER`, else
`local[*]` (every core of this machine). In local mode the executors' Python is
this one (`PYSPARK_PYTHON`), so they import the same readiness and pandas.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from readiness.batch.spark import SparkEngineError

__all__ = ["spark_session"]

_INSTALL = "pip install 'readiness[spark]'"


@contextmanager
def spark_session(master: str, *, app: str = "readiness") -> Iterator[Any]:
    """A SparkSession on `master` for the block, stopped after it.

    Raises SparkEngineError (Japanese and English) when pyspark is not installed,
    Java is missing, or the master cannot be reached.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkEngineError(
            "Spark エンジンには pyspark が必要です。インストールしてください: "
            f"{_INSTALL} / the Spark engine needs pyspark: {_INSTALL} "
            "(or run without --engine spark)"
        ) from exc
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise SparkEngineError(
            "Spark には Java (17 以上) が必要です: 例 apt-get install "
            "default-jre-headless、または JAVA_HOME を設定してください / Spark needs "
            "Java 17+: install it (e.g. apt-get install default-jre-headless) or set "
            "JAVA_HOME"
        )
    if master.startswith("local"):
        # The executors run this Python: the same readiness, pandas and LightGBM.
        os.environ["PYSPARK_PYTHON"] = sys.executable
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    with warnings.catch_warnings():
        # pyspark 4.3 warns on any pandas >= 3 ("not yet fully supported"): a
        # compatibility notice about pandas conversions the engine does not use
        # (it hands Arrow tables to the executors), not a deprecation.
        warnings.filterwarnings(
            "ignore", "PySpark does not yet fully support pandas", FutureWarning
        )
        try:
            spark = (
                SparkSession.builder.master(master)
                .appName(app)
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.legacy.parquet.nanosAsLong", "true")
                .getOrCreate()
            )
        except Exception as exc:  # pyspark raises many kinds; all mean "no Spark"
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise SparkEngineError(
                f"Spark を開始できません (master {master!r}): {first} / cannot start "
                f"Spark on master {master!r}: {first}. Check --spark-master or "
                "READINESS_SPARK_MASTER (e.g. local[*], spark://host:7077, yarn) and "
                "that Java works (`java -version`)"
            ) from exc
        try:
            spark.sparkContext.setLogLevel("ERROR")
            yield spark
        finally:
            spark.stop()
