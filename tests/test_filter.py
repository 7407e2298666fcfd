"""The Filter value object: JSON round trip, French description, facet helpers."""
from __future__ import annotations

import pytest

from eco_desktop.errors import UserError
from eco_desktop.filter import FACETS, Filter
from eco_desktop.geo.area import Area  # the geographic criterion

FULL = Filter(text="thér gén", kinds=("biotech", "pharma"), domains=("gene_therapy",),
              activities=("research",), departements=("91", "75"), mgp=False, epts=("200057990",),
              epcis=("200059228",), tags=("saclay",), has_contact=True, call="AAP 2024",
              include_deleted=True, ids=(3, 1, 2))


@pytest.mark.parametrize("flt", [Filter(), FULL, Filter(mgp=True), Filter(only_deleted=True), Filter(ids=())])
def test_json_round_trip(flt):
    assert Filter.from_json(flt.to_json()) == flt
    assert Filter.from_dict(flt.to_dict()) == flt


def test_to_dict_keeps_only_non_defaults():
    assert Filter().to_dict() == {}
    assert Filter().to_json() == "{}"
    assert Filter(kinds=("biotech",), mgp=False).to_dict() == {"kinds": ["biotech"], "mgp": False}
    assert Filter(ids=()).to_dict() == {"ids": []}


def test_lists_become_tuples_without_duplicates():
    flt = Filter(kinds=["biotech", "biotech", "pharma"], ids=["3", 4])
    assert flt.kinds == ("biotech", "pharma")
    assert flt.ids == (3, 4)
    assert hash(flt) == hash(Filter(kinds=("biotech", "pharma"), ids=(3, 4)))


@pytest.mark.parametrize("text", ["{", "[1, 2]", '{"colour": "red"}'])
def test_unreadable_json_is_a_user_error(text):
    with pytest.raises(UserError, match="Filtre enregistré illisible"):
        Filter.from_json(text)


def test_from_empty():
    assert Filter.from_json("") == Filter()
    assert Filter.from_json(None) == Filter()
    assert Filter.from_dict(None) == Filter()


def test_describe_in_french():
    assert Filter().describe() == ["Tous les acteurs"]
    lines = FULL.describe({"kind": {"biotech": "Entreprise de biothérapie", "pharma": "Grand laboratoire"},
                           "ept": {"200057990": "Grand-Orly Seine Bièvre"}})
    assert lines == [
        "Recherche : « thér gén »",
        "Type : « Entreprise de biothérapie » ou « Grand laboratoire »",
        "Domaine : « gene_therapy »",
        "Activité : « research »",
        "Département : « 91 Essonne » ou « 75 Paris »",
        "Hors de la Métropole du Grand Paris",
        "Territoire (EPT) : « Grand-Orly Seine Bièvre »",
        "Intercommunalité : « 200059228 »",
        "Étiquette : « saclay »",
        "Avec au moins un contact utilisable (base légale, sans opposition)",
        "Présélectionnés dans l'appel à projets « AAP 2024 »",
        "Sélection manuelle de 3 acteur(s)",
        "Y compris les acteurs dans la corbeille",
    ]
    assert Filter(mgp=True).describe() == ["Dans la Métropole du Grand Paris"]
    assert Filter(only_deleted=True).describe() == ["Acteurs dans la corbeille"]


def test_describe_with_catalogue_labels(catalogue):
    lines = catalogue.describe(Filter(domains=("gene_therapy",), departements=("91",)))
    assert lines == ["Domaine : « Thérapie génique »", "Département : « 91 Essonne »"]


def test_selection_and_with_selection():
    flt = Filter()
    for facet, field in FACETS.items():
        if facet == "mgp":
            continue
        changed = flt.with_selection(facet, ["a", "b", "a"])
        assert getattr(changed, field) == ("a", "b")
        assert changed.selection(facet) == ("a", "b")
        assert changed.without(facet) == flt
    assert flt.selection("mgp") == ()
    assert flt.with_selection("mgp", ["1"]).mgp is True
    assert flt.with_selection("mgp", ["0"]).mgp is False
    assert flt.with_selection("mgp", ["0", "1"]).mgp is None     # both ticked = no restriction
    assert flt.with_selection("mgp", []).mgp is None
    assert Filter(mgp=False).selection("mgp") == ("0",)


def test_toggled():
    flt = Filter(kinds=("biotech",))
    assert flt.toggled("kind", "pharma").kinds == ("biotech", "pharma")
    assert flt.toggled("kind", "biotech").kinds == ()
    assert flt.toggled("kind", "biotech").is_empty()
    assert Filter().toggled("mgp", "1").mgp is True
    assert Filter(mgp=True).toggled("mgp", "1").mgp is None
    assert Filter(mgp=True).toggled("mgp", "0").mgp is None
    assert flt == Filter(kinds=("biotech",))                    # immutable


def test_cleared_keeps_the_trash_view():
    assert FULL.cleared() == Filter(include_deleted=True)
    assert Filter(only_deleted=True, kinds=("x",)).cleared() == Filter(only_deleted=True)
    assert Filter(text="x").cleared().is_empty()


# -- the geographic criterion (area) ----------------------------------------------

AREA_CIRCLE = Filter(kinds=("biotech",), area=Area.circle(48.62684, 2.43013, 10, "Évry-Courcouronnes"))
AREA_POLYGON = Filter(area=Area.polygon([(48.6, 2.3), (48.6, 2.5), (48.8, 2.5)]))


@pytest.mark.parametrize("flt", [AREA_CIRCLE, AREA_POLYGON])
def test_area_json_round_trip(flt):
    assert Filter.from_json(flt.to_json()) == flt
    assert hash(Filter.from_dict(flt.to_dict())) == hash(flt)
    assert flt.to_dict()["area"]["kind"] in ("circle", "polygon")
    assert flt.without_area().area is None and flt.without_area().kinds == flt.kinds


def test_area_described_in_french():
    assert AREA_CIRCLE.describe()[-1] == "À moins de 10 km d'Évry-Courcouronnes"
    assert AREA_POLYGON.describe() == ["Dans la zone dessinée"]


def test_unreadable_area_is_a_user_error():
    with pytest.raises(UserError, match="Zone géographique invalide"):
        Filter.from_json('{"area": {"kind": "circle", "lat": 48.6, "lon": 2.4, "radius_km": -1}}')


def test_custom_criteria_are_hashable_serialised_and_facets():
    flt = Filter(custom=[["montant_leve", ">=", 1000000], ("membre", "=", True)])
    assert flt.custom == (("montant_leve", ">=", "1000000"), ("membre", "=", "1"))
    assert hash(flt) == hash(Filter.from_json(flt.to_json())) and Filter.from_json(flt.to_json()) == flt
    picked = flt.toggled("custom.programme", "pia").toggled("custom.programme", "fr")
    assert picked.selection("custom.programme") == ("pia", "fr")
    assert picked.without("custom.programme").custom == flt.custom
    assert flt.describe() == ["montant_leve >= 1000000", "membre = 1"]  # (the catalogue gives the words)


def test_a_malformed_custom_criterion_is_said_in_french():
    for bad in ([["x", ">="]], [["x", "~", "1"]]):
        with pytest.raises(UserError, match="Filtre enregistré illisible"):
            Filter.from_dict({"custom": bad})
