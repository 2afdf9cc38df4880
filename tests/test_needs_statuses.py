"""A need's statuses: every change allowed and every one refused, through ``Need.change_status``, with history."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from needs import services
from needs.business_days import add_business_days
from needs.models import Holiday, InvalidNeedStatusChange, Need, NeedStatus, NeedStatusChange
from tests.factories import BuyerFactory, UserFactory
from tests.needs_factories import NeedFactory, days_ago

pytestmark = pytest.mark.django_db

ALLOWED = {
    ("draft", "submitted"),
    ("draft", "withdrawn"),
    ("submitted", "published"),
    ("submitted", "changes_requested"),
    ("submitted", "rejected"),
    ("submitted", "withdrawn"),
    ("changes_requested", "submitted"),
    ("changes_requested", "rejected"),
    ("changes_requested", "withdrawn"),
    ("published", "closed"),
    ("published", "withdrawn"),
    ("closed", "outcome_recorded"),
}
ALL_PAIRS = [(old, new) for old in NeedStatus.values for new in NeedStatus.values]


def moment_for(need, new_status):
    """A moment at which the change is timely: after the deadline to close, before it otherwise."""
    if new_status == NeedStatus.CLOSED:
        return need.deadline_at + timedelta(minutes=1)
    return need.deadline_at - timedelta(days=1)


@pytest.mark.parametrize(("old", "new"), ALL_PAIRS)
def test_each_status_change_is_allowed_or_refused_as_the_workflow_says(old, new):
    need = NeedFactory(status=old)
    staff = UserFactory(is_staff=True)

    if (old, new) in ALLOWED:
        need.change_status(new, by=staff, message="Motif", now=moment_for(need, new))
        need.refresh_from_db()
        assert need.status == new
        change = NeedStatusChange.objects.get(need=need)
        assert (change.from_status, change.to_status, change.changed_by, change.message) == (
            old,
            new,
            staff,
            "Motif",
        )
    else:
        with pytest.raises(InvalidNeedStatusChange):
            need.change_status(new, by=staff, message="Motif", now=moment_for(need, new))
        need.refresh_from_db()
        assert need.status == old
        assert not NeedStatusChange.objects.filter(need=need).exists()


def test_a_need_closes_at_its_deadline_not_before():
    need = NeedFactory(status=NeedStatus.PUBLISHED)
    with pytest.raises(InvalidNeedStatusChange):
        need.change_status(NeedStatus.CLOSED, now=need.deadline_at - timedelta(seconds=1))
    need.change_status(NeedStatus.CLOSED, now=need.deadline_at)
    assert need.status == NeedStatus.CLOSED


def test_a_need_past_its_deadline_can_be_neither_published_nor_withdrawn():
    submitted = NeedFactory(status=NeedStatus.SUBMITTED)
    published = NeedFactory(status=NeedStatus.PUBLISHED)
    with pytest.raises(InvalidNeedStatusChange):
        submitted.change_status(NeedStatus.PUBLISHED, now=submitted.deadline_at)
    with pytest.raises(InvalidNeedStatusChange):
        published.change_status(NeedStatus.WITHDRAWN, now=published.deadline_at)


@pytest.mark.parametrize("new", [NeedStatus.CHANGES_REQUESTED, NeedStatus.REJECTED])
def test_requesting_changes_and_rejecting_need_a_message(new):
    need = NeedFactory(status=NeedStatus.SUBMITTED)
    with pytest.raises(ValidationError):
        need.change_status(new, message="  ")
    need.refresh_from_db()
    assert need.status == NeedStatus.SUBMITTED


def test_timestamps_of_each_status_change_are_kept_for_statistics():
    need = NeedFactory()
    services.need_submit(need=need, user=need.author.user)
    staff = UserFactory(is_staff=True)
    need.refresh_from_db()
    services.need_request_changes(need=need, by=staff, message="Précisez les quantités.")
    services.need_submit(need=need, user=need.author.user)
    need.refresh_from_db()
    assert need.submitted_at is not None
    steps = list(
        NeedStatusChange.objects.filter(need=need).values_list("from_status", "to_status", "changed_by")
    )
    assert steps == [
        ("draft", "submitted", need.author.user_id),
        ("submitted", "changes_requested", staff.pk),
        ("changes_requested", "submitted", need.author.user_id),
    ]
    assert need.history.count() >= 3  # field history (django-simple-history) beside the status table


def test_only_the_author_submits_or_withdraws_a_need():
    need = NeedFactory()
    colleague = BuyerFactory(organisation=need.organisation).user
    for action in (services.need_submit, services.need_withdraw):
        with pytest.raises(PermissionDenied):
            action(need=need, user=colleague)
    assert Need.objects.get(pk=need.pk).status == NeedStatus.DRAFT


def test_an_author_no_longer_active_cannot_submit():
    need = NeedFactory(author=BuyerFactory(status="refused"))
    with pytest.raises(PermissionDenied):
        services.need_submit(need=need, user=need.author.user)


def test_published_needs_past_their_deadline_are_closed_automatically():
    due = NeedFactory(status=NeedStatus.PUBLISHED)
    open_need = NeedFactory(status=NeedStatus.PUBLISHED)
    Need.objects.filter(pk=due.pk).update(response_deadline=timezone.localdate() - timedelta(days=1))

    assert services.needs_close_due() == 1
    assert services.needs_close_due() == 0

    assert Need.objects.get(pk=due.pk).status == NeedStatus.CLOSED
    assert Need.objects.get(pk=open_need.pk).status == NeedStatus.PUBLISHED
    change = NeedStatusChange.objects.get(need=due)
    assert change.changed_by is None and change.to_status == NeedStatus.CLOSED


def test_a_need_sent_back_is_refused_after_ten_days_without_resubmission():
    stale = NeedFactory(status=NeedStatus.CHANGES_REQUESTED, status_changed_at=days_ago(10.1))
    recent = NeedFactory(status=NeedStatus.CHANGES_REQUESTED, status_changed_at=days_ago(9.9))

    assert services.needs_refuse_stale() == 1

    stale.refresh_from_db()
    recent.refresh_from_db()
    assert stale.status == NeedStatus.REJECTED
    assert recent.status == NeedStatus.CHANGES_REQUESTED
    assert "10 jours" in NeedStatusChange.objects.get(need=stale).message


def test_references_are_numbered_per_year():
    from needs.models import NeedReferenceCounter

    assert NeedReferenceCounter.next_reference(2031) == "B-2031-0001"
    assert NeedReferenceCounter.next_reference(2031) == "B-2031-0002"
    assert NeedReferenceCounter.next_reference(2032) == "B-2032-0001"


def test_holidays_are_data_loaded_from_the_fixture_and_reloadable():
    assert Holiday.objects.filter(date="2026-06-24").exists()
    Holiday.objects.filter(date="2026-06-24").delete()
    assert add_business_days(date(2026, 6, 23), 2) == date(2026, 6, 25)
    call_command("load_holidays", stdout=io.StringIO())
    assert Holiday.objects.filter(date="2026-06-24").exists()
    # Tuesday 2026-06-23 plus two business days skips the Fête nationale (Wednesday): Friday.
    assert add_business_days(date(2026, 6, 23), 2) == date(2026, 6, 26)
