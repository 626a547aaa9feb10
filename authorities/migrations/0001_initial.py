from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Authority",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text='As the council prints it: "Wirral Council".',
                        max_length=120,
                        unique=True,
                    ),
                ),
                ("slug", models.SlugField(max_length=60, unique=True)),
            ],
            options={"verbose_name_plural": "authorities", "ordering": ["name"]},
        ),
    ]
