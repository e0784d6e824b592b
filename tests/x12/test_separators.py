"""Separators, wrapping, BOM, envelopes: the same remittance written many ways."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from billing.x12 import WarningCode, X12Warning
from billing.x12.tokenizer import SegmentTokenizer
from tests.x12.conftest import SIMPLE_835, parse_bytes, x12
from tests.x12.synth import Expected, synthetic_bytes


def _summary(transactions):
    """Everything about the claims except their positions in the file."""
    return [
        (
            c.patient_control_number,
            c.status_code,
            c.charge,
            c.paid,
            c.patient_responsibility,
            [
                (
                    s.qualifier,
                    s.procedure_code,
                    s.modifiers,
                    s.charge,
                    s.paid,
                    s.units,
                    s.line_item_control_number,
                    s.allowed_amount,
                    [(a.group, a.carc, a.amount) for a in s.adjustments],
                )
                for s in c.services
            ],
        )
        for t in transactions
        for c in t.claims
    ]


BASELINE = synthetic_bytes(60, claims_per_transaction=25)

VARIANTS = {
    "star-colon-caret-tilde, wrapped LF": {"newline": "\n"},
    "wrapped CRLF": {"newline": "\r\n"},
    "single line": {"newline": ""},
    "pipe with backslash component": {"element": "|", "component": "\\", "newline": ""},
    "pipe with backslash, wrapped": {"element": "|", "component": "\\", "newline": "\n"},
    "caret element, greater-than component, curly repetition": {
        "element": "^",
        "component": ">",
        "repetition": "{",
        "newline": "\n",
    },
    "newline is the terminator": {"terminator": "\n", "newline": ""},
    "CR LF is the terminator": {"terminator": "\r", "newline": "\n"},
    "control characters": {
        "element": "\x1d",
        "component": "\x1f",
        "terminator": "\x1c",
        "newline": "",
    },
    "apostrophe terminator, plus element": {"element": "+", "component": ":", "terminator": "'"},
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_separator_variants_read_the_same_claims(variant):
    expected = Expected()
    data = synthetic_bytes(60, claims_per_transaction=25, expected=expected, **VARIANTS[variant])
    transactions, reader = parse_bytes(data, chunk_size=777)
    assert _summary(transactions) == _summary(parse_bytes(BASELINE)[0])
    assert len(transactions) == expected.transactions == 3
    assert [c.patient_control_number for t in transactions for c in t.claims] == (
        expected.patient_control_numbers
    )
    assert sum(t.total_paid for t in transactions) == expected.total_paid
    assert sum(len(c.services) for t in transactions for c in t.claims) == expected.services
    assert [w for t in transactions for w in t.warnings] == []
    assert reader.warnings == []


def test_line_numbers_follow_the_layout():
    wrapped, _ = parse_bytes(synthetic_bytes(3, newline="\n"))
    single, _ = parse_bytes(synthetic_bytes(3, newline=""))
    by_newline, _ = parse_bytes(synthetic_bytes(3, terminator="\n", newline=""))
    for transactions in (wrapped, by_newline):
        for claim in transactions[0].claims:
            assert claim.line == claim.segment_index
    assert {c.line for c in single[0].claims} == {1}
    assert [c.segment_index for c in single[0].claims] == [
        c.segment_index for c in wrapped[0].claims
    ]


def test_separators_are_read_from_the_isa():
    data = synthetic_bytes(1, element="|", component="\\", repetition="^", newline="")
    tokenizer = SegmentTokenizer(io.BytesIO(data))
    first = next(iter(tokenizer))
    assert tokenizer.separators.element == "|"
    assert tokenizer.separators.component == "\\"
    assert tokenizer.separators.segment == "~"
    assert tokenizer.separators.repetition == "^"
    assert first[0][2][0] == "ISA" and len(first[0][2]) == 17


def test_utf8_bom_is_skipped():
    plain = x12(SIMPLE_835)
    with_bom, reader = parse_bytes(b"\xef\xbb\xbf" + plain, chunk_size=1)
    assert with_bom == parse_bytes(plain)[0]
    assert reader.warnings == []


def test_whitespace_and_blank_lines_around_segments():
    text = "\n\n  " + x12(SIMPLE_835).decode().replace("~", "~\r\n\r\n    ") + "\n\n"
    (txn,), reader = parse_bytes(text.encode(), chunk_size=5)
    assert reader.warnings == []
    assert txn.warnings == []
    assert txn.claims[0].patient_control_number == "CLAIM1"
    # ISA on line 3, every following segment two lines further down.
    assert txn.segment_index == 3 and txn.line == 3 + 2 * 2
    assert txn.claims[0].line == 3 + 2 * (txn.claims[0].segment_index - 1)


def test_utf8_and_latin1_names_are_decoded():
    utf8 = x12(SIMPLE_835.replace("DOE*JANE", "DOÉ*JANE")).replace(b"DO\xc3\x89", b"DO\xc3\x89")
    (txn,), _ = parse_bytes(utf8)
    assert txn.claims[0].patient.last_name == "DOÉ"
    latin1 = x12(SIMPLE_835).replace(b"DOE*JANE", b"DO\xc9*JANE")
    (txn,), _ = parse_bytes(latin1)
    assert txn.claims[0].patient.last_name == "DOÉ"


def test_terminator_written_at_the_start_of_lines():
    text = x12(SIMPLE_835).decode().replace("~", "\n~").rstrip("~\n")
    (txn,), reader = parse_bytes(text.encode(), chunk_size=3)
    assert [w.code for w in reader.warnings] == [WarningCode.LEADING_TERMINATOR]
    assert txn.claims[0].services[1].procedure_code == "97140"
    assert txn.claims[0].line == txn.claims[0].segment_index


def test_bare_transaction_without_envelope():
    body = "\n".join(SIMPLE_835.strip().splitlines()[2:-2])  # ST..SE only
    (txn,), reader = parse_bytes(x12(body), chunk_size=11)
    assert [w.code for w in reader.warnings] == [WarningCode.MISSING_ENVELOPE]
    assert txn.warnings[0] == X12Warning(
        WarningCode.MISSING_ENVELOPE,
        "no ISA/GS envelope: separators were guessed from the data",
        1,
        1,
    )
    assert txn.version == ""
    assert [w.code for w in txn.warnings] == [
        WarningCode.MISSING_ENVELOPE,
        WarningCode.UNKNOWN_VERSION,
    ]
    # The component separator was learnt from the first SVC01.
    assert txn.claims[0].services[0].modifiers == ["GP", "59"]
    assert txn.total_paid == Decimal("150")


def test_bare_transaction_with_other_separators_and_newline_terminator():
    body = "\n".join(SIMPLE_835.strip().splitlines()[2:-2])
    body = body.replace("*", "|").replace(":", ">")
    (txn,), reader = parse_bytes(body.encode(), chunk_size=4)
    assert [w.code for w in reader.warnings] == [WarningCode.MISSING_ENVELOPE]
    assert txn.claims[0].services[0].procedure_code == "97110"
    assert txn.claims[0].services[0].modifiers == ["GP", "59"]
    assert txn.claims[0].services[1].procedure_code == "97140"
    assert txn.claims[0].line == 10


def test_group_without_interchange():
    lines = SIMPLE_835.strip().splitlines()
    (txn,), reader = parse_bytes(x12("\n".join(lines[1:-1])))
    assert [w.code for w in reader.warnings] == [WarningCode.MISSING_ENVELOPE]
    assert txn.version == "005010X221A1"
    assert txn.group_control_number == "1"


def test_004010_is_read_with_a_warning():
    text = SIMPLE_835.replace("005010X221A1", "004010X091A1").replace("*00501*", "*00401*")
    (txn,), reader = parse_bytes(x12(text))
    assert txn.version == "004010X091A1"
    assert [w.code for w in txn.warnings] == [WarningCode.OLD_VERSION]
    assert txn.warnings[0].segment_index == 3
    assert reader.warnings == []
    assert txn.claims[0].paid == Decimal("150")


@pytest.mark.parametrize("version", ["999999X999X9", "5010", "005010", "00501OX221A1"])
def test_placeholder_version_is_read_with_a_warning(version):
    (txn,), _ = parse_bytes(x12(SIMPLE_835.replace("005010X221A1", version)))
    assert [w.code for w in txn.warnings] == [WarningCode.UNKNOWN_VERSION]
    assert version in txn.warnings[0].message


def test_version_from_st03_wins_over_gs08():
    text = SIMPLE_835.replace("ST*835*0001", "ST*835*0001*005010X221A1").replace(
        "*X*005010X221A1", "*X*004010X091A1"
    )
    (txn,), _ = parse_bytes(x12(text))
    assert txn.version == "005010X221A1"
    assert txn.warnings == []


def test_several_transactions_groups_and_interchanges():
    lines = SIMPLE_835.strip().splitlines()
    isa, gs, body, ge, iea = lines[0], lines[1], lines[2:-2], lines[-2], lines[-1]
    second_body = [line.replace("0001", "0002").replace("CLAIM1", "CLAIM2") for line in body]
    text = "\n".join(
        [isa, gs, *body, *second_body, ge.replace("GE*1", "GE*2"), gs.replace("*1*X", "*2*X")]
        + [*body, ge.replace("*1", "*2").replace("GE*2", "GE*1"), iea.replace("IEA*1", "IEA*2")]
        + [isa.replace("000000001", "000000002"), gs, *body, ge, iea.replace("01", "02")]
    )
    transactions, reader = parse_bytes(x12(text), chunk_size=64)
    assert reader.warnings == []
    assert [(t.interchange_control_number, t.group_control_number, t.st_control_number)
            for t in transactions] == [
        ("000000001", "1", "0001"),
        ("000000001", "1", "0002"),
        ("000000001", "2", "0001"),
        ("000000002", "1", "0001"),
    ]  # fmt: skip
    assert [t.claims[0].patient_control_number for t in transactions] == [
        "CLAIM1",
        "CLAIM2",
        "CLAIM1",
        "CLAIM1",
    ]


def test_interchanges_with_different_separators_in_one_file():
    first, second, third = Expected(), Expected(), Expected()
    data = (
        synthetic_bytes(7, claims_per_transaction=3, expected=first, control_number="000000001")
        + synthetic_bytes(
            5,
            element="|",
            component="\\",
            newline="",
            seed=2,
            expected=second,
            control_number="000000002",
        )
        + b"\r\n"
        + synthetic_bytes(
            4,
            terminator="\n",
            newline="",
            element="^",
            component=">",
            repetition="{",
            seed=3,
            expected=third,
            control_number="000000003",
        )
    )
    for chunk_size in (1, 13, 1 << 20):
        transactions, reader = parse_bytes(data, chunk_size=chunk_size)
        assert reader.warnings == []
        assert [t.interchange_control_number for t in transactions] == (
            ["000000001"] * 3 + ["000000002"] + ["000000003"]
        )
        assert [c.patient_control_number for t in transactions for c in t.claims] == (
            first.patient_control_numbers
            + second.patient_control_numbers
            + third.patient_control_numbers
        )
        modifiers = [s.modifiers for t in transactions for c in t.claims for s in c.services]
        assert all("" not in m and all(len(x) == 2 for x in m) for m in modifiers)
        assert sum(t.total_paid for t in transactions) == (
            first.total_paid + second.total_paid + third.total_paid
        )


def test_unpadded_isa_is_read_by_element_position():
    text = SIMPLE_835.replace("*          *00*          *ZZ*PAYER          *ZZ*CLINIC         *",
                              "* *00* *ZZ*PAYER *ZZ*CLINIC*")  # fmt: skip
    (txn,), reader = parse_bytes(x12(text), chunk_size=9)
    assert [w.code for w in reader.warnings] == [WarningCode.ISA_LENGTH]
    assert "ISA is 70 characters, 106 expected" in reader.warnings[0].message
    assert txn.interchange_control_number == "000000001"
    assert txn.claims[0].services[0].modifiers == ["GP", "59"]


def test_last_segment_without_terminator():
    data = x12(SIMPLE_835).rstrip(b"~")
    (txn,), reader = parse_bytes(data, chunk_size=2)
    assert reader.warnings == []
    assert txn.claims[0].patient_control_number == "CLAIM1"


def test_trailing_padding_after_the_interchange_is_ignored():
    data = x12(SIMPLE_835) + b"\r\n\x1a\x00"
    (txn,), reader = parse_bytes(data)
    assert reader.warnings == []


@pytest.mark.parametrize(
    "layout",
    [
        {"newline": "\n"},
        {"newline": "\r\n"},
        {"newline": ""},
        {"terminator": "\n", "newline": ""},
        {"newline": "  \n "},  # stray spaces at segment edges
        {"newline": "\n\n"},  # blank lines: the general path
    ],
)
def test_fast_split_gives_what_the_general_path_gives(layout, monkeypatch):
    """Runs written the usual way are split in one go (``_tidy_segments``); the
    segments, their indexes and their lines must be those of the piece-by-piece
    path, whatever the window boundaries."""
    import billing.x12.tokenizer as tokenizer_module

    data = synthetic_bytes(40, claims_per_transaction=15, **layout)

    def segments(chunk_size: int) -> tuple[list, int, int]:
        tokenizer = SegmentTokenizer(io.BytesIO(data), chunk_size=chunk_size)
        found = [segment for batch in tokenizer for segment in batch]
        return found, tokenizer.line, tokenizer.last_line

    fast = [segments(size) for size in (1 << 20, 777)]
    monkeypatch.setattr(tokenizer_module, "_tidy_segments", lambda text, term: None)
    general = segments(1 << 20)
    assert fast[0] == fast[1] == general
    assert general[0][-1][2][0] == "IEA"
