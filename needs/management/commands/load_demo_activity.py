from django.core.management.base import BaseCommand

from needs.demo_activity import demo_activity_load


class Command(BaseCommand):
    help = (
        "Crée l'activité de démonstration (besoins des acheteurs à chaque étape, recherches anonymisées sur 24 mois "
        "et leurs cumuls, états de la couverture sur 12 mois). Sans effet sur ce qui existe déjà ; à lancer après "
        "load_demo_catalogue, create_demo_staff, load_demo_buyers et create_demo_member."
    )

    def handle(self, *args, **options):
        report = demo_activity_load()
        lines = ["Activité de démonstration :"]
        if "needs" in report.skipped:
            lines.append("  besoins : déjà présents, inchangés.")
        elif report.needs:
            lines.append(
                f"  {report.needs} besoins de {report.buyers} acheteurs ({report.recipients} entreprises avisées, "
                f"{report.interested} réponses « intéressé », {report.declined} « pas intéressé ») ; "
                f"{report.records} dossier(s) de recherche de marché."
            )
            lines.append(
                f"  {report.queued} courriel(s) en file d'attente : le travailleur de tâches (make run) les affiche "
                "dans la console."
            )
        else:
            lines.append(
                "  besoins : aucun (chargez d'abord le compte acheteur : manage.py load_demo_buyers)."
            )
        if "search events" in report.skipped:
            lines.append("  recherches anonymisées : déjà présentes, inchangées.")
        else:
            lines.append(f"  {report.events} recherches anonymisées sur 24 mois.")
        lines.append(f"  Cumuls mensuels des recherches : {report.months_rolled} mois ajouté(s).")
        lines.append(
            f"  État de la couverture : {report.snapshots} cellules aujourd'hui, {report.snapshot_months} mois "
            "de tendance."
        )
        skipped = [title for title in report.skipped if title not in ("needs", "search events")]
        if skipped:
            lines.append("  Non publiés faute de destinataire : " + " ; ".join(skipped))
        self.stdout.write("\n".join(lines) + "\n")
