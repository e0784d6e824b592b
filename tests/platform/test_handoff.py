"""quick_gil_handoff: a shorter switch interval for a block, restored whatever happens."""

from __future__ import annotations

import sys

import pytest

from ptrevops.handoff import quick_gil_handoff


def test_shortens_and_restores():
    before = sys.getswitchinterval()
    with quick_gil_handoff(0.0005):
        assert sys.getswitchinterval() == pytest.approx(0.0005, abs=1e-5)
    assert sys.getswitchinterval() == before


def test_restores_after_an_error():
    before = sys.getswitchinterval()
    with pytest.raises(RuntimeError), quick_gil_handoff(0.0005):
        raise RuntimeError("the server went away")
    assert sys.getswitchinterval() == before


def test_never_lengthens_a_shorter_interval():
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.0001)
    try:
        with quick_gil_handoff(0.0005):
            assert sys.getswitchinterval() == pytest.approx(0.0001, abs=1e-5)
    finally:
        sys.setswitchinterval(before)
