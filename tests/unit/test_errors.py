"""Every error readiness raises on purpose shares one base and keeps its old one."""

from __future__ import annotations

import pytest

import readiness
from readiness.batch.backlog import BatchError
from readiness.data.files import DataFileError, UnencodableError
from readiness.data.findings import ContractError
from readiness.data.mapping import ExportError, MappingError
from readiness.errors import ReadinessError
from readiness.model.bundle import BundleError
from readiness.model.config import ConfigError
from readiness.rubric.config import RubricError
from readiness.rubric.fit import RecalibrationError
from readiness.scoring.score import ScoringInputError
from readiness.scoring.timing_model import TimingError
from readiness.simulate.store import WorldDirError
from readiness.workflows.data import InputError

VALUE_ERRORS = [
    MappingError,
    ExportError,
    ConfigError,
    InputError,
    RecalibrationError,
    RubricError,
    ScoringInputError,
]
OTHER_ERRORS = [
    BatchError,
    ContractError,
    DataFileError,
    UnencodableError,
    BundleError,
    TimingError,
    WorldDirError,
]


@pytest.mark.parametrize("cls", VALUE_ERRORS + OTHER_ERRORS, ids=lambda c: c.__name__)
def test_every_error_is_a_readiness_error(cls: type[Exception]) -> None:
    assert issubclass(cls, ReadinessError)
    assert issubclass(cls, Exception)


@pytest.mark.parametrize("cls", VALUE_ERRORS, ids=lambda c: c.__name__)
def test_value_errors_are_still_value_errors(cls: type[Exception]) -> None:
    assert issubclass(cls, ValueError)


def test_the_package_face_names_the_base() -> None:
    assert readiness.ReadinessError is ReadinessError
    assert "ReadinessError" in readiness.__all__
