from django.db import migrations


def seed_rubrics(apps, schema_editor):
    from binhyen.assessment.data import install

    install(
        apps.get_model("assessment", "Rubric"),
        apps.get_model("assessment", "RubricSection"),
        apps.get_model("assessment", "RubricItem"),
    )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(seed_rubrics, migrations.RunPython.noop)]
