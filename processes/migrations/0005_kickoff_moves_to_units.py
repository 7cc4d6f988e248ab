# Step 5 (the kick-off) moved to the units app: the engine knows no step and refers to no
# higher app. Only the state forgets the models here; units 0009 takes them over and renames
# their tables, so the data stays.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("processes", "0004_kickoff"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="KickoffAttendance"),
                migrations.DeleteModel(name="KickoffInvitation"),
                migrations.DeleteModel(name="KickoffSignUp"),
                migrations.DeleteModel(name="KickoffSession"),
            ],
        ),
    ]
