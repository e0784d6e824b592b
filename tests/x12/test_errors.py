"""Unusable input raises X12ParseError naming where; nothing else does."""

from __future__ import annotations

import io

import pytest

from billing.x12 import X12ParseError, parse_835
from tests.x12.conftest import ISA, SIMPLE_835, parse_bytes, x12


def _error(data: bytes, **kwargs) -> X12ParseError:
    with pytest.raises(X12ParseError) as caught:
        parse_bytes(data, **kwargs)
    return caught.value


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"   \r\n\r\n  \n"])
def test_empty_file(data):
    error = _error(data)
    assert error.message == "empty file: no X12 segments"
    assert (error.segment_index, error.line, error.segment_id) == (None, None, None)


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02\xff\xfe garbage \x89PNG\r\n",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        b"claim_id,visit_id,payer_id\nC1,V1,P1\n",
        b"<?xml version='1.0'?><remittance/>",
        bytes(range(256)) * 4,
    ],
)
def test_garbage_is_not_x12(data):
    error = _error(data, chunk_size=3)
    assert error.message.startswith("not an X12 file")
    assert error.segment_index == 1
    assert error.line == 1


def test_garbage_after_leading_blank_lines_names_its_line():
    error = _error(b"\n\n\nhello world, this is not X12\n")
    assert error.line == 4


def test_file_ending_mid_transaction():
    data = x12(SIMPLE_835)
    cut = data.index(b"SVC*HC:97140")  # inside the claim, before SE/GE/IEA
    for chunk_size in (1, 5, 1 << 20):
        error = _error(data[:cut], chunk_size=chunk_size)
        assert error.message == (
            "file ends inside transaction ST*835*0001 started at segment 3 (line 1): "
            "missing SE, truncated file"
        )
        assert error.segment_index == 23  # the last segment read (LQ*HE)
        assert error.line == 1


def test_file_ending_mid_segment_in_a_wrapped_file():
    data = x12(SIMPLE_835).replace(b"~", b"~\n")
    cut = data.index(b"CAS*CO*45*20") + 6  # "CAS*CO" then nothing
    error = _error(data[:cut])
    assert "file ends inside transaction ST*835*0001" in error.message
    assert error.segment_index == 26
    assert error.line == 26
    assert "(CAS" not in str(error) and "segment 26, line 26" in str(error)


def test_file_ending_after_se_without_ge_and_iea():
    data = x12(SIMPLE_835)
    cut = data.index(b"GE*1*1")
    error = _error(data[:cut])
    assert error.message == "file ends inside functional group '1': missing GE, truncated file"
    assert error.segment_index == 28  # SE, the last segment read


def test_file_ending_before_iea():
    data = x12(SIMPLE_835)
    error = _error(data[: data.index(b"IEA*")])
    assert error.message == "file ends inside interchange '000000001': missing IEA, truncated file"


def test_transactions_before_the_problem_are_still_handed_out():
    data = x12(SIMPLE_835)
    second = data[data.index(b"ST*835") : data.index(b"SE*")]
    reader = parse_835(io.BytesIO(data.replace(b"GE*1*1~", second + b"GE*1*1~")))
    first = next(reader)
    assert first.claims[0].patient_control_number == "CLAIM1"
    with pytest.raises(X12ParseError, match="GE inside transaction ST\\*835\\*0001: missing SE"):
        next(reader)


def test_next_st_before_se():
    lines = SIMPLE_835.strip().splitlines()
    body = lines[2:-3]  # ST .. last segment before SE
    text = "\n".join([lines[0], lines[1], *body, *body, lines[-3], lines[-2], lines[-1]])
    error = _error(x12(text))
    assert error.message == ("ST inside transaction ST*835*0001: missing SE, truncated transaction")
    assert error.segment_id == "ST"
    assert error.segment_index == 2 + len(body) + 1


@pytest.mark.parametrize("cut", [3, 50, 104])
def test_truncated_isa(cut):
    error = _error(x12(SIMPLE_835)[:cut])
    assert error.message == "file ends inside the interchange header (ISA): truncated file"
    assert (error.segment_index, error.line, error.segment_id) == (1, 1, "ISA")


def test_isa_missing_an_element():
    text = SIMPLE_835.replace("*0*P*:", "*P*:")  # ISA14 dropped: 15 elements
    error = _error(x12(text))
    assert error.message.startswith("ISA is malformed or truncated")
    assert error.segment_id == "ISA"


@pytest.mark.parametrize(
    ("old", "new", "segment_id", "position"),
    [
        ("CLP*CLAIM1*1*200*150", "CLP*CLAIM1*1*2OO*150", "CLP", "CLP03 '2OO'"),
        ("BPR*I*150*", "BPR*I*1,50*", "BPR", "BPR02 '1,50'"),
        ("SVC*HC:97140:GP*80*60", "SVC*HC:97140:GP*80*NaN", "SVC", "SVC03 'NaN'"),
        ("CAS*PR*3*20", "CAS*PR*3*2e1", "CAS", "CAS03 '2e1'"),
        ("CAS*CO*45*10*1*253*0*0", "CAS*CO*45*10*1*253*$0*0", "CAS", "CAS06 '$0'"),
        ("AMT*B6*110", "AMT*B6*110.0.0", "AMT", "AMT02 '110.0.0'"),
        ("SVC*HC:97110:GP:59*120*90**2", "SVC*HC:97110:GP:59*120*90**two", "SVC", "SVC05 'two'"),
    ],
)
def test_bad_number_in_an_amount_field(old, new, segment_id, position):
    assert old in SIMPLE_835
    data = x12(SIMPLE_835.replace(old, new)).replace(b"~", b"~\r\n")
    error = _error(data)
    assert error.message == f"{position} is not a number"
    assert error.segment_id == segment_id
    line = data[: data.index(new.encode())].count(b"\n") + 1
    assert error.line == line == error.segment_index
    assert str(error) == f"{position} is not a number ({segment_id}, segment {line}, line {line})"


def test_clp_before_bpr():
    lines = [line for line in SIMPLE_835.strip().splitlines() if not line.startswith("BPR")]
    error = _error(x12("\n".join(lines)))
    assert error.message == "CLP before BPR: the payment header is missing"
    assert (error.segment_id, error.segment_index) == ("CLP", 11)


def test_transaction_without_bpr_or_claims():
    text = (
        "\n".join(
            line for line in SIMPLE_835.strip().splitlines() if not line.startswith("BPR")
        ).split("LX*1")[0]
        + "SE*8*0001\nGE*1*1\nIEA*1*000000001"
    )
    error = _error(x12(text))
    assert error.message == "transaction ST*835*0001 has no BPR segment"


@pytest.mark.parametrize(
    "segment", ["CLP*X*1*1*1", "SVC*HC:97110*1*1", "CAS*CO*45*1", "BPR*I*1*C*ACH", "N3*MAIN ST"]
)
def test_body_segment_outside_a_transaction(segment):
    text = SIMPLE_835.replace("GE*1*1", f"{segment}\nGE*1*1")
    error = _error(x12(text))
    assert error.message == f"{segment[:3].rstrip('*')} outside a transaction (no ST before it)"


def test_svc_and_cas_before_any_claim():
    text = SIMPLE_835.replace("LX*1", "LX*1\nSVC*HC:97110*1*1")
    assert _error(x12(text)).message == "SVC outside a claim (no CLP before it)"
    text = SIMPLE_835.replace("LX*1", "LX*1\nCAS*CO*45*1")
    assert _error(x12(text)).message == "CAS outside a claim (no CLP before it)"


def test_not_an_835():
    error = _error(x12(SIMPLE_835.replace("ST*835*0001", "ST*837*0001")))
    assert error.message == "transaction set '837' is not an 835 remittance"


def test_terminator_declared_in_isa_is_not_used():
    # The ISA says '~' but the rest of the file ends segments with newlines only.
    lines = SIMPLE_835.strip().splitlines()
    data = (lines[0] + "~\n" + "\n".join(lines[1:])).encode()
    error = _error(data)
    assert error.message.startswith("GS segment runs across a line break")
    assert (error.segment_id, error.segment_index, error.line) == ("GS", 2, 2)


def test_element_separator_declared_in_isa_is_not_used():
    lines = SIMPLE_835.strip().splitlines()
    text = lines[0] + "\n" + "\n".join(line.replace("*", "|") for line in lines[1:])
    error = _error(x12(text))
    assert error.message == "'GS|HP|PAYER|CLINIC|2...' is not an X12 segment: " + (
        "wrong separators or not an 835"
    )
    assert error.segment_index == 2


def test_no_terminator_at_all_after_the_isa():
    data = (ISA + "~" + "GS*HP*X" + "Y" * (5 << 20)).encode()
    error = _error(data, chunk_size=1 << 20)
    assert "no segment terminator '~' within" in error.message


def test_text_mode_file_is_rejected():
    with pytest.raises(TypeError, match="binary mode"):
        list(parse_835(io.StringIO(SIMPLE_835)))


def test_error_is_a_value_error_with_its_fields():
    error = X12ParseError("bad", 3, 4, "CLP")
    assert isinstance(error, ValueError)
    assert (error.message, error.segment_index, error.line, error.segment_id) == (
        "bad",
        3,
        4,
        "CLP",
    )
    assert str(error) == "bad (CLP, segment 3, line 4)"
    assert str(X12ParseError("empty")) == "empty"
