"""Evidence read off the original text: the advertising-shape features of each unit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from excise.features import DENSE_NAMES, shape_features
from excise.segment import segment

CAPS, PHONE, MONEY, BANG = range(4)


def _shape(text: str) -> dict[str, np.ndarray]:
    units = segment(text)
    return {text[u.start : u.end]: row for u, row in zip(units, shape_features(text, units))}


def test_shape_columns_are_the_last_dense_features() -> None:
    assert DENSE_NAMES[-4:] == ("caps_share", "phone_number", "money", "exclamation")


def test_advertising_shape_is_found_in_its_own_unit_only() -> None:
    rows = _shape("HOT LIVE FANTASIES call 08707509020 now! The council met on 12 May 2004. "
                  "Save 50% today, only $9.99. In 2004, 1,250,000 people voted.")
    ad = rows["HOT LIVE FANTASIES call 08707509020 now!"]
    assert ad[CAPS] > 0.5 and ad[PHONE] == 1 and ad[BANG] == 1 and ad[MONEY] == 0
    news = rows["The council met on 12 May 2004."]
    assert news[CAPS] < 0.2 and news[PHONE] == news[MONEY] == news[BANG] == 0
    assert rows["Save 50% today, only $9.99."][MONEY] == 1
    # a large number with thousands separators is not a phone number
    assert rows["In 2004, 1,250,000 people voted."][PHONE] == 0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_shape_features_are_bounded_on_arbitrary_text(text: str) -> None:
    units = segment(text)
    out = shape_features(text, units)
    assert out.shape == (len(units), 4)
    assert ((out >= 0) & (out <= 1)).all()
