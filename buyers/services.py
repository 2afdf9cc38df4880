"""Work on the buyers' side that spans several models or tells people by email.

Other apps (the needs of issue 11) call these too: ``shortlist_add`` and ``record_create`` take plain objects
and keyword arguments, check what they must, and never read a request.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.expressions import RawSQL
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from suppliers.models import Supplier

from .models import (
    ROTATION_DECISIONS,
    SAVED_SEARCHES_PER_BUYER,
    STAFF_KIND,
    Buyer,
    BuyerOrganisation,
    BuyerStatus,
    Decision,
    Digest,
    DigestEntry,
    ExportLog,
    Frequency,
    MarketResearchRecord,
    OrganisationDomain,
    RecordAddendum,
    SavedSearch,
    Shortlist,
    ShortlistDecision,
    ShortlistEntry,
    ThresholdRule,
    Visibility,
    next_reference,
)
from .searching import current_matches, validated_search

CURATORS_GROUP = "Curators"
# Rotation looks back this many days (24 months) from the record's date.
ROTATION_DAYS = 730
# A record keeps at most this many results, in order (the count of all results is kept too).
RECORD_MAX_RESULTS = 1000


# --- Email ---


def absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url


def send_email(
    template: str, *, to: list[str], context: dict, language: str | None = None, headers=None
) -> None:
    """Render ``buyers/email/<template>_subject.txt`` and ``_message.txt`` in ``language`` (French by default)
    and send them."""
    if not to:
        return
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"buyers/email/{template}_subject.txt", context)
        body = render_to_string(f"buyers/email/{template}_message.txt", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    EmailMessage(subject, body, None, sorted(set(to)), headers=headers).send()


def staff_recipients() -> list[str]:
    if settings.REVIEW_NOTIFICATION_EMAILS:
        return list(settings.REVIEW_NOTIFICATION_EMAILS)
    users = get_user_model().objects.filter(is_active=True, is_staff=True, groups__name=CURATORS_GROUP)
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


# --- Buyer accounts ---


def organisation_for_signup(*, email: str, name: str, kind: str, region=None) -> BuyerOrganisation:
    """The organisation a new buyer belongs to: the one owning the address's domain, else the one of that name
    (case ignored), else a new one that staff will see in the admin."""
    owned = OrganisationDomain.objects.owning(email).select_related("organisation").first()
    if owned is not None:
        return owned.organisation
    existing = BuyerOrganisation.objects.filter(name__iexact=name.strip()).first()
    if existing is not None:
        return existing
    return BuyerOrganisation.objects.create(name=name.strip(), kind=kind, region=region)


def buyer_register(*, user, organisation: BuyerOrganisation, job_title: str = "") -> Buyer:
    """A new buyer, pending until their address is confirmed in a domain the organisation owns, or staff
    approve them."""
    return Buyer.objects.create(user=user, organisation=organisation, job_title=job_title)


def buyer_email_confirmed(*, user, email: str) -> Buyer | None:
    """Called when a user confirms an address: a pending buyer whose organisation owns its domain becomes active
    at once; another pending buyer now awaits staff, who are told."""
    with transaction.atomic():
        buyer = Buyer.objects.select_for_update().filter(user=user).select_related("organisation").first()
        if buyer is None or buyer.status != BuyerStatus.PENDING:
            return buyer
        if buyer.owns_domain_of(email):
            buyer.decide(BuyerStatus.ACTIVE, reason=_("Adresse confirmée dans un domaine de l'organisme."))
            return buyer
        admin_url = absolute(reverse("admin:buyers_buyer_change", args=[buyer.pk]))
        transaction.on_commit(
            lambda: send_email(
                "buyer_waiting",
                to=staff_recipients(),
                context={"buyer": buyer, "email": email, "url": admin_url},
            )
        )
    return buyer


def _buyer_decide(*, buyer: Buyer, status: str, by, reason: str, template: str) -> Buyer:
    with transaction.atomic():
        buyer = Buyer.objects.select_for_update().select_related("user", "organisation").get(pk=buyer.pk)
        buyer.decide(status, by=by, reason=reason)
        url = absolute(reverse("buyers:home"))
        transaction.on_commit(
            lambda: send_email(template, to=[buyer.user.email], context={"buyer": buyer, "url": url})
        )
    return buyer


def buyer_approve(*, buyer: Buyer, by, reason: str = "") -> Buyer:
    """Staff approve a buyer: active, and told by email."""
    return _buyer_decide(
        buyer=buyer, status=BuyerStatus.ACTIVE, by=by, reason=reason, template="buyer_approved"
    )


def buyer_refuse(*, buyer: Buyer, by, reason: str) -> Buyer:
    """Staff refuse a buyer, with a reason the buyer receives by email."""
    if not (reason or "").strip():
        raise ValidationError(
            _("Indiquez le motif du refus : il sera transmis à la personne."), code="reason"
        )
    return _buyer_decide(
        buyer=buyer, status=BuyerStatus.REFUSED, by=by, reason=reason, template="buyer_refused"
    )


# --- Shortlists ---


def shortlist_create(
    *,
    owner: Buyer,
    name: str,
    purpose: str = "",
    category=None,
    region=None,
    estimated_amount: int | None = None,
    visibility: str = Visibility.PRIVATE,
) -> Shortlist:
    return Shortlist.objects.create(
        owner=owner,
        name=name.strip() or default_shortlist_name(),
        purpose=purpose,
        category=category,
        region=region,
        estimated_amount=estimated_amount,
        visibility=visibility,
    )


def default_shortlist_name() -> str:
    return _("Liste du %(date)s") % {"date": date_format(timezone.localdate(), "j F Y")}


def shortlist_add(
    *, shortlist: Shortlist, supplier: Supplier, by, note: str = ""
) -> tuple[ShortlistEntry, bool]:
    """Add a supplier to a list (once: adding it again changes nothing); returns the entry and whether it is new.

    ``by`` is the user adding it: only the list's owner may. A note given for a supplier already in the list is
    added to its note.
    """
    if not shortlist.is_editable_by(getattr(by, "buyer", None)):
        raise ValidationError(
            _("Seule la personne propriétaire de la liste peut la modifier."), code="not_owner"
        )
    note = note.strip()
    try:
        with transaction.atomic():
            entry = ShortlistEntry.objects.create(
                shortlist=shortlist, supplier=supplier, note=note, added_by=by
            )
    except IntegrityError:
        entry = ShortlistEntry.objects.get(shortlist=shortlist, supplier=supplier)
        if note and note not in entry.note:
            entry.note = (f"{entry.note}\n{note}" if entry.note else note)[
                : ShortlistEntry.note.field.max_length
            ]
            entry.save(update_fields=["note"])
        return entry, False
    Shortlist.objects.filter(pk=shortlist.pk).update(updated_at=timezone.now())
    return entry, True


def shortlist_entry_update(*, entry: ShortlistEntry, note: str, decision: str, decided_on) -> ShortlistEntry:
    """Change an entry's note and decision (the database logs each decision with its date)."""
    entry.note = note
    entry.decision = decision
    entry.decided_on = decided_on
    entry.save(update_fields=["note", "decision", "decided_on"])
    Shortlist.objects.filter(pk=entry.shortlist_id).update(updated_at=timezone.now())
    return entry


# --- Market-research records ---


def rotation_counts(*, organisation_id: int, supplier_ids: Iterable[int], on) -> dict[int, dict[str, int]]:
    """For each supplier, how many of the organisation's list entries were marked invited, and retained, in the
    24 months up to ``on`` (one query)."""
    since = on - timedelta(days=ROTATION_DAYS)
    rows = (
        ShortlistDecision.objects.filter(
            entry__shortlist__owner__organisation_id=organisation_id,
            # One array parameter rather than one per supplier (a record may hold a thousand).
            entry__supplier_id__in=RawSQL("SELECT unnest(%s::int[])", [list(supplier_ids)]),
            decision__in=ROTATION_DECISIONS,
            decided_on__gte=since,
            decided_on__lte=on,
        )
        .values_list("entry__supplier_id", "decision")
        .annotate(entries=Count("entry_id", distinct=True))
    )
    counts: dict[int, dict[str, int]] = {}
    for supplier_id, decision, entries in rows:
        counts.setdefault(supplier_id, {})[decision] = entries
    return counts


def snapshot_row(supplier, *, rank: int, rotation: Mapping[str, int], selected: bool, extra=None) -> dict:
    """A supplier as a record keeps it: codes and values at that moment."""
    from .exports import category_codes_of, region_codes_of

    verified = supplier.last_verified_at
    row = {
        "rank": rank,
        "neq": supplier.neq,
        "name": supplier.name,
        "legal_form": supplier.legal_form,
        "coop_type": supplier.coop_type,
        "accreditations": list(supplier.accreditations),
        "all_quebec": supplier.serves_all_quebec,
        "regions": region_codes_of(supplier),
        "categories": category_codes_of(supplier),
        "status": supplier.status,
        "verified_on": timezone.localdate(verified).isoformat() if verified else None,
        "invited_24_months": rotation.get(Decision.INVITED, 0),
        "retained_24_months": rotation.get(Decision.RETAINED, 0),
        "selected": selected,
    }
    if extra:
        row["extra"] = dict(extra)
    return row


def indicative_rule(
    *, organisation: BuyerOrganisation, nature: str, amount: int | None, on
) -> ThresholdRule | None:
    return ThresholdRule.objects.indicative(regime=organisation.regime, nature=nature, amount=amount, on=on)


def record_create(
    *,
    author: Buyer,
    suppliers: Sequence[Supplier],
    selected_ids: Iterable[int],
    need: str,
    estimated_amount: int,
    nature: str,
    mode_considered: str,
    justification: str,
    source: str,
    criteria: dict,
    results_count: int | None = None,
    extra_columns: Sequence[tuple[str, Mapping[int, str]]] = (),
) -> MarketResearchRecord:
    """Create an immutable market-research record.

    ``suppliers`` is the ordered list the buyer considered (search results, a list's entries, a need's answers),
    with their regions and categories (code arrays ``region_codes``/``category_codes`` or prefetched);
    ``selected_ids`` those asked for a price or invited (among ``suppliers``); ``results_count`` how many results
    the search had in all (defaults to ``len(suppliers)``); ``extra_columns`` more columns for the snapshot, as
    ``(label, {supplier id: value})``.
    """
    if not author.is_active:
        raise ValidationError(_("Seuls les acheteurs actifs créent des dossiers."), code="inactive")
    suppliers = list(suppliers)
    selected_ids = set(selected_ids)
    unknown = selected_ids - {supplier.pk for supplier in suppliers}
    if unknown:
        raise ValidationError(
            _("Un fournisseur sollicité ne fait pas partie des résultats."), code="selected"
        )
    now = timezone.now()
    today = timezone.localdate(now)
    organisation = author.organisation
    rotation = rotation_counts(
        organisation_id=organisation.pk, supplier_ids=[s.pk for s in suppliers], on=today
    )
    rows = [
        snapshot_row(
            supplier,
            rank=rank,
            rotation=rotation.get(supplier.pk, {}),
            selected=supplier.pk in selected_ids,
            extra={label: values.get(supplier.pk, "") for label, values in extra_columns},
        )
        for rank, supplier in enumerate(suppliers, start=1)
    ]
    rule = indicative_rule(organisation=organisation, nature=nature, amount=estimated_amount, on=today)
    with transaction.atomic():
        record = MarketResearchRecord(
            reference=next_reference(today.year),
            organisation=organisation,
            organisation_name=organisation.name,
            author=author.user,
            author_name=author.display_name,
            created_at=now,
            need=need,
            estimated_amount=estimated_amount,
            nature=nature,
            mode_considered=mode_considered,
            indicative=rule.as_snapshot() if rule else None,
            source=source,
            criteria=criteria,
            results_count=len(suppliers) if results_count is None else results_count,
            snapshot=rows,
            extra_columns=[label for label, _values in extra_columns],
            justification=justification,
        )
        record.checksum = record.compute_checksum()
        record.save(force_insert=True)
    return record


def record_addendum_add(
    *,
    record: MarketResearchRecord,
    author: Buyer,
    retained_neq: str = "",
    amount: int | None = None,
    seao_number: str = "",
    note: str = "",
) -> RecordAddendum:
    """Append a dated fact to a record of the author's organisation."""
    if not author.is_active or author.organisation_id != record.organisation_id:
        raise ValidationError(
            _("Seul un acheteur de l'organisme peut compléter ce dossier."), code="organisation"
        )
    retained_name = ""
    if retained_neq:
        names = {row["neq"]: row["name"] for row in record.snapshot}
        if retained_neq not in names:
            raise ValidationError(_("Ce fournisseur ne figure pas au dossier."), code="retained")
        retained_name = names[retained_neq]
    if not (retained_neq or amount is not None or seao_number.strip() or note.strip()):
        raise ValidationError(_("Un addenda doit contenir au moins un renseignement."), code="empty")
    addendum = RecordAddendum(
        record=record,
        author=author.user,
        author_name=author.display_name,
        created_at=timezone.now(),
        retained_neq=retained_neq,
        retained_name=retained_name,
        amount=amount,
        seao_number=seao_number.strip(),
        note=note.strip(),
    )
    addendum.checksum = addendum.compute_checksum()
    addendum.save(force_insert=True)
    return addendum


def record_verify(*, record: MarketResearchRecord) -> dict:
    """Recompute the checksums of the record and its addenda from what is stored."""
    addenda = [(addendum, addendum.is_intact) for addendum in record.addenda.all()]
    return {
        "record_ok": record.is_intact,
        "computed": record.compute_checksum(),
        "addenda": addenda,
        "all_ok": record.is_intact and all(ok for _addendum, ok in addenda),
    }


# --- Saved searches and digests ---


class TooManySavedSearches(ValidationError):
    pass


def saved_search_create(
    *, owner: Buyer, name: str, querystring: str, frequency: str = Frequency.WEEKLY, language: str = "fr"
) -> SavedSearch:
    """Save a search (at most ``SAVED_SEARCHES_PER_BUYER`` per buyer); suppliers matching now are the baseline
    the first digest is measured against."""
    search = validated_search(querystring)
    if not search.is_valid:
        raise ValidationError(_("Cette recherche contient des paramètres invalides."), code="invalid")
    with transaction.atomic():
        Buyer.objects.select_for_update().filter(pk=owner.pk).first()  # one saving at a time per buyer
        if SavedSearch.objects.owned_by(owner).count() >= SAVED_SEARCHES_PER_BUYER:
            raise TooManySavedSearches(
                _("Vous avez déjà %(count)s recherches enregistrées : supprimez-en une d'abord.")
                % {"count": SAVED_SEARCHES_PER_BUYER},
                code="too_many",
            )
        return SavedSearch.objects.create(
            owner=owner,
            name=name.strip(),
            querystring=search.querystring,
            frequency=frequency,
            language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
            baseline=SavedSearch.pack_ids(current_matches(search)),
        )


def saved_search_prepare_digest(*, saved_search_id: int) -> Digest | None:
    """Record which suppliers the next digest tells about: those matching now that did not match at the last
    digest and were never told about for this saved search. Idempotent: run twice, the second finds nothing new.
    Returns the digest to send, or ``None``."""
    with transaction.atomic():
        saved_search = SavedSearch.objects.select_for_update().filter(pk=saved_search_id).first()
        if saved_search is None or saved_search.frequency == Frequency.NEVER:
            return None
        search = validated_search(saved_search.querystring)
        if not search.is_valid:  # a region or category code that no longer exists: nothing to compare
            return None
        now_matching = current_matches(search)
        before = set(saved_search.baseline_ids().tolist())
        told = set(
            DigestEntry.objects.filter(saved_search=saved_search).values_list("supplier_id", flat=True)
        )
        new_ids = [pk for pk in now_matching if pk not in before and pk not in told]
        saved_search.baseline = SavedSearch.pack_ids(now_matching)
        saved_search.last_digest_at = timezone.now()
        saved_search.save(update_fields=["baseline", "last_digest_at"])
        if not new_ids:
            return None
        digest = Digest.objects.create(saved_search=saved_search)
        DigestEntry.objects.bulk_create(
            [DigestEntry(saved_search=saved_search, digest=digest, supplier_id=pk) for pk in new_ids]
        )
    return digest


def digest_send(*, digest_id: int) -> bool:
    """Send a prepared digest once (``sent_at`` marks it); returns whether an email went."""
    with transaction.atomic():
        digest = (
            Digest.objects.select_for_update()
            .select_related("saved_search__owner__user")
            .filter(pk=digest_id, sent_at__isnull=True)
            .first()
        )
        if digest is None:
            return False
        saved_search = digest.saved_search
        suppliers = list(
            Supplier.objects.published()
            .filter(pk__in=digest.entries.values("supplier_id"))
            .select_related("head_office_region")
            .order_by("name")
        )
        if suppliers:
            unsubscribe = absolute(
                reverse("buyers:unsubscribe", kwargs={"token": saved_search.unsubscribe_token})
            )
            send_email(
                "digest",
                to=[saved_search.owner.user.email],
                language=saved_search.language,
                context={
                    "saved_search": saved_search,
                    "suppliers": [
                        (supplier, absolute(supplier.get_absolute_url())) for supplier in suppliers
                    ],
                    "search_url": absolute(saved_search.get_absolute_url()),
                    "unsubscribe_url": unsubscribe,
                },
                headers={
                    "List-Unsubscribe": f"<{unsubscribe}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
        digest.sent_at = timezone.now()
        digest.save(update_fields=["sent_at"])
    return bool(suppliers)


def saved_search_digest_run(*, saved_search_id: int) -> bool:
    """Send what an earlier, interrupted run prepared, then prepare and send what is new; returns whether an
    email went. Safe to retry."""
    sent = False
    for digest_id in Digest.objects.filter(saved_search_id=saved_search_id, sent_at__isnull=True).values_list(
        "pk", flat=True
    ):
        sent = digest_send(digest_id=digest_id) or sent
    digest = saved_search_prepare_digest(saved_search_id=saved_search_id)
    if digest is not None:
        sent = digest_send(digest_id=digest.pk) or sent
    return sent


def saved_search_unsubscribe(*, token: str) -> SavedSearch | None:
    saved_search = SavedSearch.objects.filter(unsubscribe_token=token).first()
    if saved_search is not None and saved_search.frequency != Frequency.NEVER:
        saved_search.frequency = Frequency.NEVER
        saved_search.save(update_fields=["frequency"])
    return saved_search


# --- Exports ---


def export_log(*, user, kind: str, fmt: str, rows: int) -> ExportLog:
    buyer = getattr(user, "buyer", None)
    organisation_kind = buyer.organisation.kind if buyer is not None and not user.is_staff else STAFF_KIND
    return ExportLog.objects.create(organisation_kind=organisation_kind, kind=kind, format=fmt, rows=rows)
