"""Property-based: whatever schemathesis sends per the OpenAPI, never a 5xx.

Valid (positive) and invalid (negative) cases for every operation, in process over
ASGI. The operations are driven with `@given` rather than schemathesis' pytest
plugin, whose lazy `from_fixture` schemas fail on pytest 9.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from factory import Factory
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from api.app import create_app
from readiness.settings import Settings

EXAMPLES = {GenerationMode.POSITIVE: 60, GenerationMode.NEGATIVE: 40}


@pytest.fixture(scope="module")
def api_schema(factory: Factory) -> schemathesis.BaseSchema:
    bundle_dir: Path = factory.model_dir()
    app = create_app(Settings(model_dir=bundle_dir))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.mark.parametrize("mode", list(EXAMPLES), ids=lambda m: m.value)
def test_no_input_makes_a_server_error(
    api_schema: schemathesis.BaseSchema, mode: GenerationMode
) -> None:
    labels = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        labels.append(operation.label)

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES[mode],
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        try:
            run()
        except Unsatisfiable:
            # An operation without parameters or body has no invalid input.
            assert mode is GenerationMode.NEGATIVE
    assert "POST /v1/score" in labels and "POST /v1/admin/reload" in labels
