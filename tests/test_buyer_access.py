"""Who may use the buyers' workspace: staff and active buyers, nobody else."""

import pytest

from buyers.models import BuyerStatus, OrganisationDomain, can_use_workspace, email_domain
from tests.factories import BuyerFactory, BuyerOrganisationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_active_buyer_uses_the_workspace():
    assert can_use_workspace(BuyerFactory(status=BuyerStatus.ACTIVE).user)


@pytest.mark.parametrize("status", [BuyerStatus.PENDING, BuyerStatus.REFUSED])
def test_a_buyer_not_yet_or_not_approved_does_not(status):
    assert not can_use_workspace(BuyerFactory(status=status).user)


def test_staff_use_the_workspace():
    assert can_use_workspace(UserFactory(is_staff=True))


def test_an_enterprise_member_does_not():
    assert not can_use_workspace(MembershipFactory().user)


def test_an_anonymous_visitor_does_not():
    from django.contrib.auth.models import AnonymousUser

    assert not can_use_workspace(AnonymousUser())


def test_an_address_belongs_to_the_organisation_owning_its_domain_whatever_its_case():
    organisation = BuyerOrganisationFactory()
    OrganisationDomain.objects.create(organisation=organisation, domain="cisss-at.gouv.qc.ca")
    assert email_domain("Marie.Tremblay@CISSS-AT.gouv.qc.ca") == "cisss-at.gouv.qc.ca"
    assert (
        OrganisationDomain.objects.owning("Marie.Tremblay@CISSS-AT.gouv.qc.ca").get().organisation
        == organisation
    )
    assert not OrganisationDomain.objects.owning("marie@gmail.com").exists()


def test_a_domain_is_stored_in_lower_case_without_at_sign():
    from django.db import IntegrityError, transaction

    organisation = BuyerOrganisationFactory()
    for bad in ["CISSS.gouv.qc.ca", "@cisss.gouv.qc.ca", "localhost"]:
        with pytest.raises(IntegrityError), transaction.atomic():
            OrganisationDomain.objects.create(organisation=organisation, domain=bad)
