from django.db import migrations


def seed_categories(apps, schema_editor):
    from binhyen.incidents.data import install

    install(apps.get_model("incidents", "CrimeCategory"))


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(seed_categories, migrations.RunPython.noop)]
