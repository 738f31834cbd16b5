"""Seed the editable synonym list from starter/synonyms.tsv (written for the project)."""

from pathlib import Path

from django.db import migrations

SYNONYMS = Path(__file__).resolve().parent.parent / "starter" / "synonyms.tsv"


def seed(apps, schema_editor):
    Synonym = apps.get_model("advisor", "Synonym")
    rows = {}
    for line in SYNONYMS.read_text(encoding="utf-8").splitlines():
        if "\t" in line and not line.startswith("#"):
            variant, canonical = (part.strip() for part in line.split("\t", 1))
            if variant and canonical:
                rows[variant] = canonical
    existing = set(Synonym.objects.values_list("variant", flat=True))
    Synonym.objects.bulk_create(
        [Synonym(variant=v, canonical=c) for v, c in rows.items() if v not in existing]
    )


def unseed(apps, schema_editor):
    apps.get_model("advisor", "Synonym").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("advisor", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
