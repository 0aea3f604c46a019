"""The Examples sections of the bulletin modules' docstrings are true."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("module", [
    "nearmiss_lab.bulletin.suppression", "nearmiss_lab.months",
    "nearmiss_lab.bulletin.provenance", "nearmiss_lab.bulletin.compute",
    "nearmiss_lab.bulletin.checks",
])
def test_docstring_examples_hold(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
