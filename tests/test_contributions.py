"""The provider contract: what the core accepts from a plugin and what it rejects, and why."""

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from welfare_plans import (
    BeneficiaryGroup,
    DeliveryMode,
    LegalForm,
    PriceUnit,
    Provider,
    ServiceType,
    Territory,
    hookimpl,
)
from welfare_plans.domain.contributions import PluginContribution, validate_contributions
from welfare_plans.domain.territory import gazetteer
from welfare_plans.testing import validate_plugin

ROOT = Path(__file__).parent.parent

PROVIDER = Provider(
    key="test",
    name="Cooperativa Test",
    legal_form=LegalForm.SOCIAL_COOPERATIVE,
    tax_id="10765430011",
    municipality="001191",
)
SERVICE = ServiceType(
    code="test.care",
    provider="test",
    name="Assistenza",
    need_area="elderly_care",
    beneficiary_groups=(BeneficiaryGroup.WORKERS,),
    delivery_modes=(DeliveryMode.IN_KIND,),
    price=Decimal("20"),
    unit=PriceUnit.HOUR,
    territory=Territory(municipalities=("001191",)),
)


class Plugin:
    def __init__(self, providers, services):
        self.providers, self.services = list(providers), list(services)

    @hookimpl
    def register_providers(self):
        return self.providers

    @hookimpl
    def register_service_types(self):
        return self.services


def check(providers=(PROVIDER,), services=(SERVICE,)):
    return validate_plugin(Plugin(providers, services))


def only_problem(result):
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    return result.problems[0]


def test_a_valid_provider_and_service_are_accepted():
    result = check()
    assert result.problems == []
    assert result.service_types["test.care"][1].price == Decimal("20.00")


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"price": Decimal("-0.01")}, "price", "must not be negative"),
        ({"price": "twenty"}, "price", "must be an amount in euro"),
        ({"price": float("nan")}, "price", "must be an amount in euro"),
        ({"need_area": "astrology"}, "need_area", "not a known need area"),
        ({"unit": "fortnight"}, "unit", "is not one of"),
        ({"beneficiary_groups": ()}, "beneficiary_groups", "at least one"),
        ({"beneficiary_groups": ("pets",)}, "beneficiary_groups", "is not one of"),
        ({"delivery_modes": "cash"}, "delivery_modes", "must be a list"),
        ({"territory": Territory()}, "territory", "at least one municipality or province"),
        ({"territory": Territory(provinces=("999",))}, "territory.provinces", "not an ISTAT province code"),
        (
            {"territory": Territory(municipalities=("1191",))},
            "territory.municipalities",
            "not an ISTAT municipality",
        ),
        ({"name": "  "}, "name", "is required"),
        ({"code": "Has Spaces"}, "code", "lower-case"),
        ({"provider": "someone-else"}, "provider", "not a provider registered by this plugin"),
    ],
)
def test_a_defective_service_is_rejected_naming_the_field(change, field, words):
    problem = only_problem(check(services=[replace(SERVICE, **change)]))
    assert problem.plugin == "plugin-under-test"
    assert problem.field == f"ServiceType[{change.get('code', 'test.care')}].{field}"
    assert words in problem.render()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tax_id": "10765430012"}, "tax_id"),
        ({"tax_id": "RSSMRA85T10A562X"}, "tax_id"),
        ({"municipality": "000000"}, "municipality"),
        ({"legal_form": "sole_trader"}, "legal_form"),
        ({"email": "not-an-address"}, "email"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"applies_national_contract": "yes"}, "applies_national_contract"),
    ],
)
def test_a_defective_provider_is_rejected_and_its_services_with_it(change, field):
    result = check(providers=[replace(PROVIDER, **change)])
    fields = [problem.field for problem in result.problems]
    assert fields == [f"Provider[test].{field}", "ServiceType[test.care].provider"]
    assert result.service_types == {}


def test_a_personal_tax_code_and_spaced_vat_number_are_accepted_in_compact_form():
    result = check(providers=[replace(PROVIDER, tax_id=" 107 654 300 11 ")])
    assert result.providers["test"][1].tax_id == "10765430011"
    result = check(providers=[replace(PROVIDER, tax_id="rssmra85t10a562s")])
    assert result.providers["test"][1].tax_id == "RSSMRA85T10A562S"


def test_a_hook_returning_something_other_than_a_list_is_reported():
    raw = {"odd": PluginContribution(providers="coop-test")}
    (problem,) = validate_contributions(raw).problems
    assert problem.render() == "register_providers must return a list, not str"


def test_the_first_plugin_in_name_order_keeps_a_duplicated_code():
    raw = {
        "b-plugin": PluginContribution(
            providers=[replace(PROVIDER, key="b")],
            service_types=[replace(SERVICE, code="a.care", provider="b")],
        ),
        "a-plugin": PluginContribution(
            providers=[replace(PROVIDER, key="a")],
            service_types=[replace(SERVICE, code="a.care", provider="a")],
        ),
        "builtin": PluginContribution(need_areas=validate_plugin(object()).ordered_need_areas()),
    }
    result = validate_contributions(raw)
    assert result.service_types["a.care"][0] == "a-plugin"
    (problem,) = result.problems
    assert (problem.plugin, problem.field) == ("b-plugin", "ServiceType[a.care].code")
    assert "already registered by plugin a-plugin" in problem.render()


@given(price=st.decimals(min_value=0, max_value=1_000_000, places=4, allow_nan=False, allow_infinity=False))
def test_any_non_negative_price_is_kept_to_the_cent(price):
    result = check(services=[replace(SERVICE, price=price)])
    accepted = result.service_types["test.care"][1].price
    assert accepted == price.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert accepted.as_tuple().exponent == -2


def test_places_are_found_the_way_people_type_them():
    places = gazetteer()
    assert places.find("Pinerolo").code == "001191"
    assert places.find("pinerolo (to)").code == "001191"
    assert places.find("001191").name == "Pinerolo"
    assert places.find("Torino").code == "001272"  # the city, not the province
    assert places.find("Provincia di Torino").code == "001"
    assert places.find("Province of Torino").code == "001"
    assert places.find("TO").code == "001"
    assert places.find("Perosa Argentina").province.abbreviation == "TO"
    assert places.find("Atlantide") is None


def italian(problem) -> str:
    from babel.support import Translations

    translations = Translations.load(str(ROOT / "welfare_plans" / "translations"), ["it"])
    return problem.render(translations.gettext)


def test_every_error_of_an_item_is_reported_not_only_the_first():
    result = check(
        services=[replace(SERVICE, price="twenty", unit="fortnight", territory=Territory(), extra=None)]
    )
    assert [problem.field for problem in result.problems] == [
        "ServiceType[test.care].price",
        "ServiceType[test.care].unit",
        "ServiceType[test.care].territory",
        "ServiceType[test.care].extra",
    ]
    result = check(providers=[replace(PROVIDER, tax_id="123", email="nowhere", has_safety_policy="yes")])
    assert [problem.field for problem in result.problems] == [
        "Provider[test].tax_id",
        "Provider[test].email",
        "Provider[test].has_safety_policy",
        "ServiceType[test.care].provider",
    ]


def test_the_services_of_a_rejected_provider_say_which_provider_was_rejected_and_why():
    result = check(providers=[replace(PROVIDER, email="servizi-at-coop", website="ftp://coop.example")])
    by_field = {problem.field: problem for problem in result.problems}
    rejected = by_field["ServiceType[test.care].provider"]
    assert rejected.render() == (
        "the provider 'test' was rejected (see Provider[test]: email, website), and its services with it"
    )
    assert italian(rejected) == (
        "il fornitore 'test' è stato rifiutato (vedi Provider[test]: email, website), "
        "e con lui i suoi servizi"
    )
    # a provider the plugin never registered is still named as such
    (foreign,) = check(services=[replace(SERVICE, provider="coop-other")]).problems
    assert foreign.render() == "'coop-other' is not a provider registered by this plugin"


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        (
            {"tax_basis": "bogus"},
            "extra.tax_basis",
            "'bogus' is not a tax basis of the tax rules (known: art51_c2_a, art51_c2_c, art51_c2_d, ",
        ),
        ({"sessions": 10}, "extra", "must be a mapping of text to text: the value of 'sessions' is a int"),
        ({3: "three"}, "extra", "must be a mapping of text to text: the key 3 is a int"),
        (
            {"tax_basis": None},
            "extra",
            "must be a mapping of text to text: the value of 'tax_basis' is a NoneType",
        ),
    ],
)
def test_extra_values_are_text_and_a_stated_tax_basis_is_a_known_code(extra, field, message):
    problem = only_problem(check(services=[replace(SERVICE, extra=extra)]))
    assert problem.field == f"ServiceType[test.care].{field}"
    assert problem.render().startswith(message)


def test_a_known_tax_basis_is_accepted_and_kept():
    result = check(services=[replace(SERVICE, extra={"tax_basis": "art51_c2_f_bis", "note": "ISEE"})])
    assert result.problems == []
    assert result.service_types["test.care"][1].extra == {"tax_basis": "art51_c2_f_bis", "note": "ISEE"}


def test_a_service_of_a_rejected_provider_also_hears_that_its_code_is_out_of_the_providers_namespace():
    result = check(
        providers=[replace(PROVIDER, email="nowhere")],
        services=[replace(SERVICE, code="elsewhere.care")],
    )
    fields = [problem.field for problem in result.problems]
    assert "ServiceType[elsewhere.care].provider" in fields
    assert "ServiceType[elsewhere.care].code" in fields
