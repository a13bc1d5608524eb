from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("risks", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="riskcategory",
            name="is_active",
            field=models.BooleanField(
                default=True, help_text="Retired categories cannot be chosen for new risks."
            ),
        ),
    ]
