"""Buyers' needs (besoins): what a public buyer wants to buy, who is told, who answers.

A need moves through its statuses only by ``Need.change_status`` (which checks the current status and writes one
``NeedStatusChange`` row per change); its recipients are one ``Recipient`` row per supplier told, and every email
about it is one ``Notification`` row of the outbox (``needs.notifications``), sent once.

- ``need``: the need, its statuses, history, reference, attachments, matching rule, holidays;
- ``recipients``: recipients and their answers, suppliers' questions, the buyer's reminders;
- ``outbox``: the emails.
"""

from .need import (
    AMOUNT_BANDS,
    AUTOMATIC_REMINDER_BUSINESS_DAYS,
    BUYER_REMINDER_INTERVAL,
    CHANGES_REQUESTED_EXPIRY,
    MAX_ATTACHMENTS,
    MAX_BUYER_REMINDERS,
    MAX_QUESTIONS,
    MAX_RECIPIENTS,
    MIN_INVITEES,
    MIN_RESPONSE_BUSINESS_DAYS,
    OUTCOME_REQUEST_DELAY,
    QUESTION_MAX_LENGTH,
    Holiday,
    InvalidNeedStatusChange,
    Need,
    NeedAttachment,
    NeedKind,
    NeedQuerySet,
    NeedReferenceCounter,
    NeedStatus,
    NeedStatusChange,
    OutcomeMode,
    amount_band,
    attachment_upload_to,
    deadline_instant,
    new_seed,
)
from .outbox import DeliveryStatus, Notification, NotificationKind, NotificationQuerySet
from .recipients import (
    Answer,
    BuyerReminder,
    Clarification,
    DeclineReason,
    RandomToken,
    Recipient,
    RecipientOrigin,
    RecipientQuerySet,
    answer_upload_to,
)

__all__ = [
    "RandomToken",
    "AMOUNT_BANDS",
    "AUTOMATIC_REMINDER_BUSINESS_DAYS",
    "Answer",
    "BUYER_REMINDER_INTERVAL",
    "BuyerReminder",
    "CHANGES_REQUESTED_EXPIRY",
    "Clarification",
    "DeclineReason",
    "DeliveryStatus",
    "Holiday",
    "InvalidNeedStatusChange",
    "MAX_ATTACHMENTS",
    "MAX_BUYER_REMINDERS",
    "MAX_QUESTIONS",
    "MAX_RECIPIENTS",
    "MIN_INVITEES",
    "MIN_RESPONSE_BUSINESS_DAYS",
    "Need",
    "NeedAttachment",
    "NeedKind",
    "NeedQuerySet",
    "NeedReferenceCounter",
    "NeedStatus",
    "NeedStatusChange",
    "Notification",
    "NotificationKind",
    "NotificationQuerySet",
    "OUTCOME_REQUEST_DELAY",
    "OutcomeMode",
    "QUESTION_MAX_LENGTH",
    "Recipient",
    "RecipientOrigin",
    "RecipientQuerySet",
    "amount_band",
    "answer_upload_to",
    "attachment_upload_to",
    "deadline_instant",
    "new_seed",
]
