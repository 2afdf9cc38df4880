import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from suppliers.models import Category, LegalForm, Offering, Region, Status, Supplier


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.qc.ca")
    password = factory.PostGenerationMethodCall("set_password", "motdepasse-solide-2026")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SupplierFactory(factory.django.DjangoModelFactory):
    """A published non-profit in Bas-Saint-Laurent by default; pass regions/categories as lists of codes."""

    class Meta:
        model = Supplier
        skip_postgeneration_save = True

    @classmethod
    def _generate(cls, strategy, params):
        # The row and its regions in one transaction, as every writer does (the database checks them at commit).
        with transaction.atomic():
            return super()._generate(strategy, params)

    name = factory.Sequence(lambda n: f"Entreprise solidaire {n}")
    neq = factory.Sequence(lambda n: f"11{n:08d}")
    legal_form = LegalForm.NON_PROFIT
    coop_type = ""
    description_fr = "Entreprise d'économie sociale qui offre des services aux organismes publics."
    head_office_region = factory.LazyFunction(lambda: Region.objects.get(code="01"))
    status = Status.PUBLISHED
    city = "Rimouski"
    postal_code = "G5L 1A1"

    @factory.post_generation
    def regions(obj, create, extracted, **kwargs):
        if create:
            obj.regions_served.set(extracted if extracted is not None else [obj.head_office_region_id])

    @factory.post_generation
    def areas(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.areas_served.set(extracted)

    @factory.post_generation
    def categories(obj, create, extracted, **kwargs):
        if create:
            obj.categories.set(extracted if extracted is not None else ["entretien.menager"])


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offering

    supplier = factory.SubFactory(SupplierFactory)
    title = factory.Sequence(lambda n: f"Service {n}")
    description = "Service offert aux organismes publics."
    category = factory.LazyFunction(lambda: Category.objects.get(code="entretien.menager"))


class VerifiedUserFactory(UserFactory):
    """A user who signed up and confirmed their email address (allauth's EmailAddress row)."""

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.update_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class BuyerOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "buyers.BuyerOrganisation"

    name = factory.Sequence(lambda n: f"Centre de services scolaire {n}")
    kind = "education"


class BuyerFactory(factory.django.DjangoModelFactory):
    """An active procurement officer: a verified user with a Buyer row (``status="pending"`` for one awaiting
    staff approval)."""

    class Meta:
        model = "buyers.Buyer"

    user = factory.SubFactory(VerifiedUserFactory)
    organisation = factory.SubFactory(BuyerOrganisationFactory)
    status = "active"


class MembershipFactory(factory.django.DjangoModelFactory):
    """A verified user who manages a (published by default) listing."""

    class Meta:
        model = "enterprises.Membership"

    user = factory.SubFactory(VerifiedUserFactory)
    supplier = factory.SubFactory(SupplierFactory)
    role = "owner"
