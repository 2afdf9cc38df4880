import django.db.models.deletion
import suppliers.validators
from django.db import migrations, models


def fill_claim_neq(apps, schema_editor):
    ClaimRequest = apps.get_model("enterprises", "ClaimRequest")
    for claim in ClaimRequest.objects.select_related("supplier"):
        claim.neq = claim.supplier.neq
        claim.save(update_fields=["neq"])


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_curators_permissions"),
        ("suppliers", "0009_search_documents"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="claimrequest", name="claim_one_pending_per_user_supplier"),
        migrations.RemoveConstraint(model_name="claimrequest", name="claim_status_valid"),
        migrations.RemoveConstraint(model_name="revision", name="revision_status_valid"),
        migrations.AddField(
            model_name="claimrequest",
            name="neq",
            field=models.CharField(default="", max_length=10, verbose_name="NEQ"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_claim_neq, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="claimrequest",
            name="neq",
            field=models.CharField(
                max_length=10, validators=[suppliers.validators.validate_neq], verbose_name="NEQ"
            ),
        ),
        migrations.AddField(
            model_name="revision",
            name="base",
            field=models.JSONField(default=dict, verbose_name="contenu de départ"),
        ),
        migrations.AlterField(
            model_name="claimrequest",
            name="message",
            field=models.TextField(blank=True, max_length=2000, verbose_name="message"),
        ),
        migrations.AlterField(
            model_name="claimrequest",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "En attente"),
                    ("approved", "Approuvée"),
                    ("refused", "Refusée"),
                    ("withdrawn", "Retirée"),
                ],
                db_index=True,
                default="pending",
                max_length=20,
                verbose_name="statut",
            ),
        ),
        migrations.AlterField(
            model_name="claimrequest",
            name="supplier",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="claim_requests",
                to="suppliers.supplier",
                verbose_name="fournisseur",
            ),
        ),
        migrations.AlterField(
            model_name="revision",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "En attente"),
                    ("approved", "Approuvée"),
                    ("refused", "Refusée"),
                    ("withdrawn", "Retirée"),
                ],
                db_index=True,
                default="pending",
                max_length=20,
                verbose_name="statut",
            ),
        ),
        migrations.AddConstraint(
            model_name="claimrequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "pending")),
                fields=("user", "neq"),
                name="claim_one_pending_per_user_neq",
                violation_error_message="Vous avez déjà une demande en attente pour cette fiche.",
            ),
        ),
        migrations.AddConstraint(
            model_name="claimrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["pending", "approved", "refused", "withdrawn"])),
                name="claim_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="revision",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["pending", "approved", "refused", "withdrawn"])),
                name="revision_status_valid",
            ),
        ),
    ]
