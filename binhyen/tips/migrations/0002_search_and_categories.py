from django.db import migrations


def setup_search(apps, schema_editor):
    from binhyen.tips import search

    statements = {
        "sqlite": search.SQLITE_SETUP,
        "postgresql": search.POSTGRES_SETUP,
    }.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def teardown_search(apps, schema_editor):
    from binhyen.tips import search

    statements = {
        "sqlite": search.SQLITE_TEARDOWN,
        "postgresql": search.POSTGRES_TEARDOWN,
    }.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def seed_categories(apps, schema_editor):
    from binhyen.tips.data.categories import install

    install(apps.get_model("tips", "Category"))


class Migration(migrations.Migration):
    dependencies = [("tips", "0001_initial")]

    operations = [
        migrations.RunPython(setup_search, teardown_search),
        migrations.RunPython(seed_categories, migrations.RunPython.noop),
    ]
