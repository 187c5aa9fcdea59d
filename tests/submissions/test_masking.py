"""Masking of published names (DOMAIN §8)."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from submissions.masking import COMPOUND_SURNAMES, hangul_name_split, mask_name


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        # DOMAIN §8 examples
        ("김민수", "김*수"),
        ("남궁민수", "남궁*수"),
        ("김수", "김*"),
        ("이서윤아", "이**아"),
        ("Emma Kim", "E*** K**"),
        # every listed compound surname counts as one
        ("황보민수", "황보*수"),
        ("제갈민수", "제갈*수"),
        ("선우민수", "선우*수"),
        ("독고민수", "독고*수"),
        ("사공민수", "사공*수"),
        ("서문민수", "서문*수"),
        ("남궁민", "남궁*"),  # compound surname + one syllable
        ("남궁", "남*"),  # two syllables: surname 남 + given 궁, never shown whole
        ("김", "*"),  # one syllable: nothing may be shown
        ("", ""),
        ("   ", ""),
        # whitespace: stripped and collapsed; a Korean result has no spaces
        ("  김민수 ", "김*수"),
        ("김 민수", "김*수"),
        ("김민 수", "김*수"),  # the space is ignored: 김민 is not a surname
        ("선 우진", "선*진"),  # the space says the surname is 선
        ("선우 진", "선우*"),  # … or 선우
        ("김\u200b민수", "김*수"),  # zero-width space dropped
        ("Emma   Kim\t", "E*** K**"),
        ("emma", "e***"),
        ("Jean-Luc Picard", "J******* P*****"),
        ("J K", "* *"),  # one-letter words are starred, never shown
        # mixed and other scripts: the word rule
        ("Kim 민수", "K** 민*"),
        ("김민수2", "김***"),
        ("金民洙", "金**"),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_decomposed_jamo_is_normalised():
    decomposed = unicodedata.normalize("NFD", "남궁민수")
    assert len(decomposed) == 11  # 4 syllables as conjoining jamo: 남(3) 궁(3) 민(3) 수(2)
    assert mask_name(decomposed) == "남궁*수"


def test_compound_surnames_are_configurable():
    assert mask_name("동방현수") == "동**수"
    assert mask_name("동방현수", compound_surnames=COMPOUND_SURNAMES | {"동방"}) == "동방*수"


# --- properties ----------------------------------------------------------------------------------

HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
NAME_CHARS = st.one_of(
    HANGUL,
    st.characters(categories=["L"]),
    st.sampled_from(" \t\u3000"),
    st.sampled_from([s[0] for s in COMPOUND_SURNAMES] + [s[1] for s in COMPOUND_SURNAMES]),
)


@settings(max_examples=500, deadline=None)
@given(name=st.text(NAME_CHARS, min_size=2, max_size=12))
def test_property_never_the_full_name(name):
    masked = mask_name(name)
    assert masked != name
    assert masked != " ".join(unicodedata.normalize("NFC", name).split())
    assert "*" in masked or not masked  # something is always hidden


@settings(max_examples=500, deadline=None)
@given(
    surname=st.one_of(HANGUL, st.sampled_from(sorted(COMPOUND_SURNAMES))),
    given_name=st.text(HANGUL, min_size=1, max_size=5),
)
def test_property_hangul_keeps_surname_and_last_syllable_only(surname, given_name):
    name = surname + given_name
    masked = mask_name(name)
    kept_surname, given = hangul_name_split(name)

    assert len(masked) == len(name)
    assert masked.startswith(kept_surname)
    rest = masked[len(kept_surname) :]
    assert "*" in rest
    if len(given) >= 2:
        assert given not in rest
        assert rest == "*" * (len(given) - 1) + given[-1]
    if len(name) >= 2:
        assert masked != name
