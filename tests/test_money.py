"""The ``euro`` filter writes amounts exactly as Babel's ``format_currency`` does, in both languages."""

from decimal import Decimal

import pytest
from flask import Flask
from flask_babel import Babel, force_locale, format_currency
from hypothesis import given
from hypothesis import strategies as st

from welfare_plans.web.money import currency_pattern, euro

amounts = st.one_of(
    st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, allow_infinity=False, places=4),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.sampled_from([Decimal("0"), Decimal("-0.00"), Decimal("0.005"), Decimal("0.015"), Decimal("1E+5")]),
)


@pytest.fixture(scope="module")
def babel_app():
    app = Flask(__name__)
    Babel(app)
    return app


@pytest.mark.parametrize("language", ["it", "en", "en_GB", "de_CH"])
@given(amount=amounts)
def test_euro_amounts_read_as_babel_writes_them(babel_app, language, amount):
    with babel_app.test_request_context(), force_locale(language):
        assert euro(amount) == format_currency(amount, "EUR")


def test_the_two_languages_of_the_app_take_the_quick_way(babel_app):
    assert currency_pattern("it") is not None and currency_pattern("en") is not None
    with babel_app.test_request_context():
        with force_locale("it"):
            assert euro(Decimal("1234.5")) == "1.234,50\xa0€"
        with force_locale("en"):
            assert euro(Decimal("-1234.5")) == "-€1,234.50"
