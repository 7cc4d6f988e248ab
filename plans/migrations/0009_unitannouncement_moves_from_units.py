# Step 6's record moves here from units (units 0009 dropped it from its state only): the model
# is created in the state on the existing table, which is then renamed, keeping its rows.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_moves(apps, schema_editor, old='units', new='plans'):
    """Keep the permissions and admin log of the model: its content type changes app."""
    ContentType = apps.get_model('contenttypes', 'ContentType')
    if not ContentType.objects.filter(app_label=new, model='unitannouncement').exists():
        ContentType.objects.filter(app_label=old, model='unitannouncement').update(app_label=new)


def content_type_moves_back(apps, schema_editor):
    content_type_moves(apps, schema_editor, old='plans', new='units')


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('plans', '0008_edit_version'),
        ('processes', '0003_agreement_version'),
        ('units', '0009_unitannouncement_moves_to_plans'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='UnitAnnouncement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('current', models.BooleanField(default=True, verbose_name='current')),
                        ('step_revision', models.PositiveIntegerField(default=1, verbose_name='revision of step 6')),
                        ('amount', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='amount')),
                        ('deadline', models.DateField(verbose_name='deadline for the unit plan')),
                        ('requirements', models.TextField(verbose_name='what a plan must contain')),
                        ('frameworks', models.JSONField(blank=True, default=list, verbose_name='frameworks as announced')),
                        ('announced_at', models.DateTimeField(verbose_name='announced at')),
                        ('announced_by_name', models.CharField(blank=True, max_length=200, verbose_name='announced by (name)')),
                        ('notified', models.JSONField(blank=True, default=list, verbose_name='staff members notified')),
                        ('announced_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='announced by')),
                        ('process', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='unit_announcements', to='processes.process')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='announcements', to='units.organisationalunit')),
                    ],
                    options={
                        'verbose_name': 'unit announcement',
                        'verbose_name_plural': 'unit announcements',
                        'ordering': ['unit', '-announced_at', '-pk'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('current', True)), fields=('unit',), name='one_current_announcement_per_unit'), models.CheckConstraint(condition=models.Q(('amount__gte', 0), ('amount__isnull', True), _connector='OR'), name='unit_announcement_amount_gte_0')],
                        # The table as units left it; renamed just below.
                        'db_table': 'units_unitannouncement',
                    },
                ),
            ],
        ),
        # Back to the default name, plans_unitannouncement: a table rename on every database.
        migrations.AlterModelTable(name='unitannouncement', table=None),
        migrations.RunPython(content_type_moves, content_type_moves_back),
    ]
