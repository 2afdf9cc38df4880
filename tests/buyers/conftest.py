"""Who is who in the buyers' tests: the six roles every workspace page is tested for, two organisations (A and
B), and small catalogues."""

import pytest
from django.core.cache import cache

from buyers.models import OrganisationDomain
from tests.factories import BuyerFactory, BuyerOrganisationFactory, MembershipFactory, SupplierFactory

ROLES = ["anonymous", "pending", "buyer_a", "buyer_b", "member", "staff"]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts attempts per address and per IP in the cache, which outlives each test's database."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organisation_a(db):
    organisation = BuyerOrganisationFactory(
        name="CISSS de l'Abitibi-Témiscamingue", kind="health", region_id="08"
    )
    OrganisationDomain.objects.create(organisation=organisation, domain="cisss-at.gouv.qc.ca")
    return organisation


@pytest.fixture
def organisation_b(db):
    return BuyerOrganisationFactory(name="Ville de Rimouski", kind="municipal", region_id="01")


@pytest.fixture
def buyer_a(organisation_a):
    return BuyerFactory(
        organisation=organisation_a,
        user__email="julie.gagnon@cisss-at.gouv.qc.ca",
        user__first_name="Julie",
        user__last_name="Gagnon",
    )


@pytest.fixture
def colleague_a(organisation_a):
    return BuyerFactory(organisation=organisation_a, user__email="marc.roy@cisss-at.gouv.qc.ca")


@pytest.fixture
def buyer_b(organisation_b):
    return BuyerFactory(organisation=organisation_b, user__email="achats@ville.rimouski.qc.ca")


@pytest.fixture
def pending_buyer(organisation_a):
    return BuyerFactory(organisation=organisation_a, status="pending", user__email="quelquun@gmail.com")


@pytest.fixture
def member(db):
    return MembershipFactory(user__email="direction@coop-exemple.qc.ca").user


@pytest.fixture
def users(buyer_a, buyer_b, pending_buyer, member, curator):
    """The user of each role (``None`` for an anonymous visitor)."""
    return {
        "anonymous": None,
        "pending": pending_buyer.user,
        "buyer_a": buyer_a.user,
        "buyer_b": buyer_b.user,
        "member": member,
        "staff": curator,
    }


@pytest.fixture
def as_role(client, users):
    """A client logged in as the role's user (or anonymous)."""

    def log_in(role):
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        return client

    return log_in


@pytest.fixture
def caterers(db):
    """Published caterers serving Abitibi-Témiscamingue (08), and one serving elsewhere."""
    return [
        SupplierFactory(
            name="Traiteur La Bonne Table",
            neq="3300000011",
            regions=["08"],
            categories=["alimentation.traiteur"],
        ),
        SupplierFactory(
            name="Coop Cantine du Nord",
            neq="3300000022",
            regions=["08", "10"],
            categories=["alimentation.traiteur"],
        ),
        SupplierFactory(
            name="Repas Solidaires Val-d'Or",
            neq="3300000033",
            regions=["08"],
            categories=["alimentation.traiteur"],
        ),
        SupplierFactory(
            name="Traiteur de la Capitale",
            neq="3300000044",
            regions=["03"],
            categories=["alimentation.traiteur"],
        ),
    ]
