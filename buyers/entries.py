"""The entries of a list page as HTML, built here rather than in the template: two hundred entries, each with its
decision, date and note fields, took over a second through template includes (as the search page builds its
filter options). Every variable part is escaped."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from suppliers.models import LegalForm, Status

from .models import NOTE_MAX_LENGTH, Decision
from .rows import NEQ_PLACEHOLDER

ID_PLACEHOLDER = "987654321"


class EntryRenderer:
    def __init__(self, *, shortlist, editable: bool, csrf_token: str, region_names: dict[str, str]):
        self.editable = editable
        self.region_names = {code: escape(name) for code, name in region_names.items()}
        self.csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
        self.update_url = reverse(
            "buyers:entry_update", kwargs={"pk": shortlist.pk, "entry_pk": int(ID_PLACEHOLDER)}
        )
        self.remove_url = reverse(
            "buyers:entry_remove", kwargs={"pk": shortlist.pk, "entry_pk": int(ID_PLACEHOLDER)}
        )
        self.detail_path = reverse("suppliers:detail", kwargs={"neq": NEQ_PLACEHOLDER})
        self.dates = {}
        self.legal_forms = {value: escape(str(label)) for value, label in LegalForm.choices}
        self.decisions = [(value, escape(str(label))) for value, label in Decision.choices]
        self.decision_labels = dict(self.decisions)
        required = f' <span class="required">({escape(_("obligatoire"))})</span>'
        self.text = {
            "neq": escape(_("NEQ")),
            "regions": escape(_("Régions desservies")),
            "all_quebec": escape(_("Tout le Québec")),
            "unspecified": escape(_("Non précisées")),
            "decision": escape(_("Décision")) + required,
            "decided_on": escape(_("Date de la décision")) + required,
            "note": escape(_("Note privée")),
            "save": escape(_("Enregistrer")),
            "remove": escape(_("Retirer de la liste")),
            "decision_plain": escape(_("Décision")),
            "note_plain": escape(_("Note privée")),
            "errors": escape(_("Le formulaire contient des erreurs")),
        }
        self.flags = {
            value: escape(
                _("Fiche %(status)s : ce fournisseur ne figure plus au répertoire public.")
                % {"status": str(label).lower()}
            )
            for value, label in Status.choices
        }

    def render(self, entry, form=None) -> str:
        supplier, pk = entry.supplier, entry.pk
        name = escape(supplier.name)
        public = supplier.status == Status.PUBLISHED
        path = self.detail_path.replace(NEQ_PLACEHOLDER, escape(supplier.neq))
        title = f'<a href="{path}">{name}</a>' if public else name
        if supplier.serves_all_quebec:
            regions = self.text["all_quebec"]
        else:
            regions = ", ".join(self.region_names.get(code, code) for code in supplier.region_codes)
            regions = regions or self.text["unspecified"]
        parts = [
            f'<li class="shortlist-entry" id="entry-{pk}"><article aria-labelledby="entry-{pk}-name">',
            f'<h3 id="entry-{pk}-name">{title}</h3>',
        ]
        if not public:
            parts.append(f'<p class="badge badge--warning">{self.flags.get(supplier.status, "")}</p>')
        parts.append(
            f'<p class="result__meta">{self.text["neq"]} {escape(supplier.neq)} · '
            f"{self.legal_forms.get(supplier.legal_form, '')} · {escape(supplier.head_office_region.name)}</p>"
            f'<p class="muted">{self.text["regions"]} : {regions}</p>'
        )
        if self.editable:
            parts.append(self._forms(entry, form, name))
        if entry.decided_on not in self.dates:
            self.dates[entry.decided_on] = escape(date_format(entry.decided_on, "DATE_FORMAT"))
        decided_on = self.dates[entry.decided_on]
        note = linebreaks(escape(entry.note)) if entry.note else "—"
        parts.append(
            f'<dl class="facts entry-facts{" print-only" if self.editable else ""}">'
            f"<dt>{self.text['decision_plain']}</dt><dd>{self.decision_labels.get(entry.decision, '')} — "
            f'<time datetime="{entry.decided_on.isoformat()}">{decided_on}</time></dd>'
            f"<dt>{self.text['note_plain']}</dt><dd>{note}</dd></dl></article></li>"
        )
        return mark_safe("".join(parts))

    def _forms(self, entry, form, name) -> str:
        pk = entry.pk
        prefix = f"entry-{pk}"
        errors = form.errors if form is not None else {}
        if form is not None:
            decision, decided_on, note = (
                form[field].value() or "" for field in ("decision", "decided_on", "note")
            )
        else:
            decision, decided_on, note = entry.decision, entry.decided_on.isoformat(), entry.note

        def field_errors(field):
            if field not in errors:
                return "", ""
            ident = f"id_{prefix}-{field}_errors"
            items = "".join(f"<li>{escape(message)}</li>" for message in errors[field])
            return (
                f'<ul class="errorlist" id="{ident}">{items}</ul>',
                f' aria-describedby="{ident}" aria-invalid="true"',
            )

        options = "".join(
            f'<option value="{value}"{" selected" if value == decision else ""}>{label}</option>'
            for value, label in self.decisions
        )
        summary = ""
        if errors:
            summary = f'<div class="error-summary" role="alert"><h4>{self.text["errors"]}</h4></div>'
        blocks = []
        for field, label, control in [
            (
                "decision",
                self.text["decision"],
                lambda attrs: (
                    f'<select name="{prefix}-decision" id="id_{prefix}-decision"{attrs}>{options}</select>'
                ),
            ),
            (
                "decided_on",
                self.text["decided_on"],
                lambda attrs: (
                    f'<input type="date" name="{prefix}-decided_on" id="id_{prefix}-decided_on" '
                    f'value="{escape(decided_on)}"{attrs}>'
                ),
            ),
            (
                "note",
                self.text["note"],
                lambda attrs: (
                    f'<textarea name="{prefix}-note" id="id_{prefix}-note" rows="3" '
                    f'maxlength="{NOTE_MAX_LENGTH}"{attrs}>\n{escape(note)}</textarea>'
                ),
            ),
        ]:
            error_html, attrs = field_errors(field)
            blocks.append(
                f'<div class="field{" error" if error_html else ""}"><label for="id_{prefix}-{field}">{label}</label>'
                f"{error_html}{control(attrs)}</div>"
            )
        update_url = self.update_url.replace(ID_PLACEHOLDER, str(pk))
        remove_url = self.remove_url.replace(ID_PLACEHOLDER, str(pk))
        hidden_name = f'<span class="visually-hidden"> — {name}</span>'
        return (
            f'<form method="post" action="{update_url}" class="entry-form" novalidate>{self.csrf}{summary}'
            f'{"".join(blocks)}<button type="submit">{self.text["save"]}{hidden_name}</button></form>'
            f'<form method="post" action="{remove_url}" class="entry-remove">{self.csrf}'
            f'<button type="submit" class="button--secondary">{self.text["remove"]}{hidden_name}</button></form>'
        )
