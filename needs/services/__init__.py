"""Work on needs that spans several models or tells people: creating, submitting, validating, matching,
answering, reminding, recording the outcome and purging.

Status changes themselves are ``Need.change_status`` (which checks the current status); these functions lock the
need, check who acts, call it, and queue the emails (``needs.notifications``), all in one transaction.
"""

from .answers import (
    answer_interested,
    answer_not_interested,
    clarification_answer,
    clarification_ask,
    recipient_hide,
    recipient_mark_viewed,
)
from .follow_up import (
    automatic_reminders_send,
    buyer_reminder_send,
    digests_send,
    needs_purge,
    outcome_record,
    outcome_requests_send,
)
from .validation import (
    need_match,
    need_narrow,
    need_publish,
    need_reject,
    need_request_changes,
    need_submit,
    need_withdraw,
    needs_close_due,
    needs_of_leaving_author_withdraw,
    needs_refuse_stale,
    recipient_add,
    recipient_remove,
)
from .workspace import need_criteria, need_recipients_shortlist, need_record_create, recordable_recipients
from .writing import invitees_set, need_create, need_update

__all__ = [
    "answer_interested",
    "answer_not_interested",
    "automatic_reminders_send",
    "buyer_reminder_send",
    "clarification_answer",
    "clarification_ask",
    "digests_send",
    "invitees_set",
    "need_create",
    "need_match",
    "need_narrow",
    "need_criteria",
    "need_publish",
    "need_recipients_shortlist",
    "need_record_create",
    "need_reject",
    "need_request_changes",
    "need_submit",
    "need_update",
    "need_withdraw",
    "needs_close_due",
    "needs_of_leaving_author_withdraw",
    "needs_purge",
    "needs_refuse_stale",
    "outcome_record",
    "recordable_recipients",
    "outcome_requests_send",
    "recipient_add",
    "recipient_hide",
    "recipient_mark_viewed",
    "recipient_remove",
]
