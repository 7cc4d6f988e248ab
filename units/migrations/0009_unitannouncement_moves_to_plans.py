# Step 6's record moves to plans, the home of step 6 (plans 0009 takes the table over).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('units', '0008_staff_email_unusable_mark'),
    ]

    operations = [
        # The table stays: plans renames it and keeps its rows.
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='UnitAnnouncement')],
        ),
    ]
