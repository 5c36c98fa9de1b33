"""Scale-out: the registered MLflow model scores a Spark DataFrame (local mode)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from factory import Factory

from readiness.data.contract import Dataset
from readiness.features.build import build_features, toss_up_points
from readiness.model.bundle import save_bundle

pytestmark = pytest.mark.spark

if shutil.which("java") is None and not os.environ.get("CI"):
    pytest.skip(
        "Spark needs Java: apt-get install default-jre-headless (CI installs it)",
        allow_module_level=True,
    )


# pyspark 4.3 raises a FutureWarning on any pandas >= 3 ("not yet fully supported")
# from inside spark_udf: a compatibility notice, not a deprecation of anything we
# call. This test is what shows the combination works: the probabilities must match.
@pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)
def test_spark_udf_of_the_registered_model_matches_the_bundle(
    factory: Factory, scoring_dataset: Dataset, tmp_path: Path
) -> None:
    import mlflow.pyfunc
    from pyspark.sql import SparkSession

    from readiness.workflows.tracking import as_strings, log_training

    result, bundle = factory.trained(), factory.bundle()
    bundle_dir = save_bundle(bundle, tmp_path / "bundle")
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    reg = log_training(
        result,
        bundle_dir,
        test_features=result.test_features,
        report_dir=None,
        tracking_uri=uri,
        data_fingerprint="spark",
        commit=None,
        artifact_dir=tmp_path / "mlartifacts",
    )
    points = toss_up_points(scoring_dataset).head(25)
    features = build_features(scoring_dataset, points, rubric=bundle.rubric)
    expected = bundle.predict(features)

    os.environ["PYSPARK_PYTHON"] = sys.executable  # workers need this venv's pandas
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("readiness-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    try:
        mlflow.set_tracking_uri(uri)
        udf = mlflow.pyfunc.spark_udf(
            spark,
            f"models:/lead-readiness/{reg.version}",
            result_type="probability double, points double, grade string",
            env_manager="local",
        )
        # Rows, not a pandas frame: pyspark 4.3 warns that it does not fully support
        # pandas 3 on the driver's pandas conversions (the UDF's workers are fine).
        rows = as_strings(features).astype(object)
        rows = rows.where(rows.notna(), None)
        schema = ", ".join(f"`{c}` {_spark_type(features[c])}" for c in rows.columns)
        frame = spark.createDataFrame(rows.to_numpy().tolist(), schema=schema)
        scored = frame.withColumn("out", udf(*frame.columns)).select("out.*")
        got = pd.DataFrame([r.asDict() for r in scored.collect()])
    finally:
        spark.stop()
    assert len(got) == len(expected)
    np.testing.assert_allclose(
        got["probability"].to_numpy(), expected["probability"].to_numpy(), rtol=1e-9
    )
    assert got["grade"].tolist() == expected["grade"].tolist()
    assert pd.Series(got["probability"]).between(0, 1).all()


def _spark_type(column: pd.Series) -> str:
    """The Spark type matching the model signature (float32 features are `float`)."""
    if column.dtype == np.float32:
        return "float"
    return "double" if pd.api.types.is_float_dtype(column) else "string"
