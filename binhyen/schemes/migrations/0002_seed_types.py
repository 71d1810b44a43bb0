from django.db import migrations


def seed_types(apps, schema_editor):
    from binhyen.schemes.data import install

    install(apps.get_model("schemes", "SchemeType"))


class Migration(migrations.Migration):
    dependencies = [("schemes", "0001_initial")]

    operations = [migrations.RunPython(seed_types, migrations.RunPython.noop)]
