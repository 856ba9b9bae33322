"""Account numbers refuse typing mistakes; sequences have no gaps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mifin_tui.db import write_transaction
from mifin_tui.services.kernel import numbering


def _number(branch: str, type_code: int, seq: int) -> str:
    body = f"{branch}{type_code:02d}{seq:07d}"
    return f"{branch}-{type_code:02d}-{seq:07d}-{numbering.check_digits(body)}"


branches = st.sampled_from(["KIN", "GOM1", "BKO", "DLA", "LBB"])


@given(branches, st.integers(10, 99), st.integers(0, 9_999_999))
def test_valid_numbers_normalize_whatever_the_separators(branch, type_code, seq):
    number = _number(branch, type_code, seq)
    assert numbering.normalize_account_number(number) == number
    assert numbering.normalize_account_number(number.replace("-", " ").lower()) == number


@given(branches, st.integers(10, 99), st.integers(0, 9_999_999), st.data())
def test_any_single_digit_typo_is_refused(branch, type_code, seq, data):
    number = _number(branch, type_code, seq)
    digits = [i for i, c in enumerate(number) if c.isdigit()]
    i = data.draw(st.sampled_from(digits))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != number[i]]))
    typo = number[:i] + wrong + number[i + 1:]
    assert not numbering.is_valid_account_number(typo)


@given(branches, st.integers(10, 99), st.integers(0, 9_999_999), st.data())
def test_swapping_two_neighbour_digits_is_refused(branch, type_code, seq, data):
    number = _number(branch, type_code, seq).replace("-", "")
    pairs = [i for i in range(len(number) - 1)
             if number[i].isdigit() and number[i + 1].isdigit() and number[i] != number[i + 1]]
    if not pairs:
        return
    i = data.draw(st.sampled_from(pairs))
    swapped = number[:i] + number[i + 1] + number[i] + number[i + 2:]
    assert not numbering.is_valid_account_number(swapped)


@pytest.mark.parametrize("text", ["", "KIN", "KIN-21-000012-3", "KIN-21-0000123-4X",
                                  "21-0000123-45"])
def test_malformed_numbers_are_refused(text):
    assert not numbering.is_valid_account_number(text)


def test_voucher_numbers_follow_each_other_and_a_rollback_gives_the_number_back(db_path):
    with write_transaction():
        assert numbering.voucher_number("BE", "KIN", 2026) == "BE-KIN-2026-000001"
    with pytest.raises(RuntimeError), write_transaction():
        assert numbering.voucher_number("BE", "KIN", 2026) == "BE-KIN-2026-000002"
        raise RuntimeError("posting failed")
    with write_transaction():
        assert numbering.voucher_number("BE", "KIN", 2026) == "BE-KIN-2026-000002"
        # other series, branches and years count on their own
        assert numbering.voucher_number("BS", "KIN", 2026) == "BS-KIN-2026-000001"
        assert numbering.voucher_number("BE", "GOM", 2026) == "BE-GOM-2026-000001"
        assert numbering.voucher_number("BE", "KIN", 2027) == "BE-KIN-2027-000001"


def test_numbers_are_drawn_only_inside_a_transaction(db_path):
    with pytest.raises(RuntimeError):
        numbering.next_value("anything")
