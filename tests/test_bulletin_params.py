"""The parameter whitelist: only known names with JSON-scalar values reach a notebook."""

from __future__ import annotations

import math

import pytest

from nearmiss_lab.bulletin.params import NOTEBOOK_PARAMETERS, ParameterError, check_parameters
from nearmiss_lab.bulletin.runner import execute_notebook

CANARY = "CANARY-7f3a9"
GOOD = {"store": "store", "period": "2024-07", "version": -1, "baseline_months": 6,
        "min_count": 5, "fdr": 0.05, "k": 5, "out": ""}


def test_known_names_with_scalar_values_pass_and_ints_widen_to_float():
    assert check_parameters("01-safety-bulletin", GOOD) == GOOD
    widened = check_parameters("03-deidentification-review", {"low_confidence": 1})
    assert widened == {"low_confidence": 1.0} and isinstance(widened["low_confidence"], float)
    assert check_parameters("01-safety-bulletin", {"period": "latest"}) == {"period": "latest"}
    assert check_parameters("01-safety-bulletin", None) == {}


@pytest.mark.parametrize("name", ["__import__", "os", "store; import os", "K", "kk", ""])
def test_unknown_parameter_names_are_refused(name):
    with pytest.raises(ParameterError, match="unknown parameter"):
        check_parameters("01-safety-bulletin", {name: 1})


@pytest.mark.parametrize("value", [
    [1, 2], {"a": 1}, (1,), {1}, None, object(), b"bytes", 1 + 2j,
])
def test_non_scalar_values_are_refused(value):
    with pytest.raises(ParameterError):
        check_parameters("01-safety-bulletin", {"k": value})


@pytest.mark.parametrize("name,value", [
    ("k", True),  # bool is an int subclass but not an int parameter
    ("k", 5.0),
    ("k", "5"),
    ("k", 0),
    ("k", 1001),
    ("fdr", math.nan),
    ("fdr", math.inf),
    ("fdr", 1.0),
    ("fdr", 0.0),
    ("baseline_months", 0),
    ("period", "2024-13"),
    ("period", "24-07"),
    ("period", "2024-07\nimport os"),
    ("store", ""),
    ("store", "a\x00b"),
    ("store", "x" * 5000),
    ("version", -2),
])
def test_wrong_kind_or_out_of_range_values_are_refused(name, value):
    with pytest.raises(ParameterError, match=name):
        check_parameters("01-safety-bulletin", {name: value})


def test_messages_name_the_parameter_but_never_echo_its_value():
    for params in ({"period": CANARY}, {"store": CANARY + "\n"}, {"k": CANARY},
                   {"out": [CANARY]}):
        with pytest.raises(ParameterError) as info:
            check_parameters("01-safety-bulletin", params)
        assert CANARY not in str(info.value)


def test_unknown_notebook_is_refused():
    with pytest.raises(ParameterError, match="unknown notebook"):
        check_parameters("99-nothing", {})


def test_every_notebook_in_the_whitelist_accepts_its_own_defaults(repo_dir):
    import papermill

    for name, spec in NOTEBOOK_PARAMETERS.items():
        declared = papermill.inspect_notebook(str(repo_dir / "notebooks" / f"{name}.ipynb"))
        assert set(declared) == set(spec), f"{name}: parameters cell and whitelist differ"
        defaults = {n: eval(p["default"], {}) for n, p in declared.items()}  # literals only
        assert check_parameters(name, defaults) == defaults


def test_a_refused_parameter_stops_the_run_before_any_kernel_starts(tmp_path):
    out = tmp_path / "never.ipynb"
    with pytest.raises(ParameterError):
        execute_notebook("01-safety-bulletin", {**GOOD, "extra": "1"}, out)
    assert not out.exists(), "papermill must not have started"
