from django.db import migrations


def seed_categories(apps, schema_editor):
    from binhyen.incidents.data import CATEGORIES

    CrimeCategory = apps.get_model("incidents", "CrimeCategory")
    for order, (code, name, group, description) in enumerate(CATEGORIES, start=1):
        CrimeCategory.objects.get_or_create(
            code=code,
            defaults={"name": name, "group": group, "description": description, "order": order * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(seed_categories, migrations.RunPython.noop)]
