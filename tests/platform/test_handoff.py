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


def test_overlapping_blocks_in_two_threads_restore_the_first_value():
    """Import A enters, import B enters, A leaves, B leaves: the default is back."""
    import threading

    before = sys.getswitchinterval()
    a_entered, b_entered, a_left = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def import_b():
        a_entered.wait()
        with quick_gil_handoff(0.0005):
            b_entered.set()
            a_left.wait()
            seen["while_b_alone"] = sys.getswitchinterval()

    thread = threading.Thread(target=import_b)
    thread.start()
    with quick_gil_handoff(0.0005):
        a_entered.set()
        b_entered.wait()
    a_left.set()
    thread.join()
    assert seen["while_b_alone"] == pytest.approx(0.0005, abs=1e-5)
    assert sys.getswitchinterval() == before
