"""Fixtures of the export's tests: three actors (one hostile), their contacts, a disk that fills up."""
from __future__ import annotations

import pytest

from export_helpers import full_disk, make_actor, make_contact  # noqa: F401  (full_disk: a fixture)


@pytest.fixture
def actors():
    return [
        make_actor(1),
        make_actor(2, name="=1+1", description="+SUM(A1:A2)", street="@cmd", commune="-2+3",
                   website="javascript:alert(1)", email="pas un e-mail", aliases=["=HYPERLINK(1)"],
                   kind="pharma", domains=[], activities=[], tags=[], mgp=True, founded=None,
                   lat=None, lon=None, postcode="75001", siren="", naf="#N/A"),
        make_actor(3, website="www.acteur3.fr", name="Tab\tcontrol\x01char", email=""),
    ]

@pytest.fixture
def contacts():
    return [
        make_contact(10, 1),
        make_contact(11, 1, legal_basis="", last_name="SansBase"),
        make_contact(12, 2, opt_out=True, last_name="Oppose", legal_basis="legitimate_interest"),
        make_contact(13, 3, legal_basis="legitimate_interest", basis_date=""),
        make_contact(14, 99),  # actor not exported
    ]
