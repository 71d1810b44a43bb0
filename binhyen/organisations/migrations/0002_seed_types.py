from django.db import migrations


def seed_types(apps, schema_editor):
    from binhyen.organisations.data import install

    install(apps.get_model("organisations", "OrganisationType"))


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [migrations.RunPython(seed_types, migrations.RunPython.noop)]
