from django.db import migrations


def seed_datasets(apps, schema_editor):
    from binhyen.datasets.data import install

    install(
        apps.get_model("datasets", "DataElement"),
        apps.get_model("datasets", "DataSet"),
        apps.get_model("datasets", "DataSetElement"),
        apps.get_model("datasets", "ValidationRule"),
    )


class Migration(migrations.Migration):
    dependencies = [("datasets", "0001_initial")]

    operations = [migrations.RunPython(seed_datasets, migrations.RunPython.noop)]
