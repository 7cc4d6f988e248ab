# Step 5 (the kick-off) moved here from the processes app, whose state forgot the models in
# processes 0005. The state takes them over as they were; the database only renames the
# tables, so every session, sign-up, attendance and invitation stays. Foreign keys, indexes
# and the constraints (named without an app label) follow the table on SQLite and PostgreSQL.

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ('kickoffsession', 'kickoffsignup', 'kickoffattendance', 'kickoffinvitation')


def _rename_tables(old, new):
    return [f'ALTER TABLE {old}_{name} RENAME TO {new}_{name}' for name in MODELS]


def _move_content_types(old, new):
    """Keeps permissions and admin log entries that point at the models' content types."""

    def move(apps, schema_editor):
        ContentType = apps.get_model('contenttypes', 'ContentType')
        for name in MODELS:
            if not ContentType.objects.filter(app_label=new, model=name).exists():
                ContentType.objects.filter(app_label=old, model=name).update(app_label=new)

    return move


class Migration(migrations.Migration):

    dependencies = [
        ('processes', '0005_kickoff_moves_to_units'),
        ('units', '0009_unitannouncement_moves_to_plans'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='KickoffSession',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(blank=True, max_length=200, verbose_name='title')),
                        ('date', models.DateField(verbose_name='date')),
                        ('starts_at', models.TimeField(verbose_name='start time')),
                        ('ends_at', models.TimeField(verbose_name='end time')),
                        ('place', models.CharField(max_length=200, verbose_name='place')),
                        ('agenda', models.TextField(blank=True, verbose_name='agenda')),
                        ('format', models.CharField(choices=[('plenary_then_sessions', 'plenary opening, then group sessions'), ('plenary', 'plenary only'), ('groups', 'in groups')], default='plenary_then_sessions', max_length=30, verbose_name='format')),
                        ('in_working_time', models.BooleanField(default=True, verbose_name='in working time')),
                        ('meal_offered', models.BooleanField(default=False, verbose_name='meal offered')),
                        ('hours_credited', models.DecimalField(decimal_places=2, default=0, help_text='Hours of the annual task that attending counts for.', max_digits=5, validators=[django.core.validators.MinValueValidator(0)], verbose_name='hours credited')),
                        ('uses_sign_up', models.BooleanField(default=False, verbose_name='staff sign up')),
                        ('sequence', models.PositiveIntegerField(default=0)),
                        ('attendance_mode', models.CharField(blank=True, choices=[('per_person', 'per person'), ('counted', 'counted')], max_length=10, verbose_name='attendance recorded')),
                        ('attendance_count', models.PositiveIntegerField(blank=True, null=True, verbose_name='attended')),
                        ('held_at', models.DateTimeField(blank=True, null=True, verbose_name='recorded as held at')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                        ('held_recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded as held by')),
                        ('process', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='kickoff_sessions', to='processes.process')),
                    ],
                    options={
                        'verbose_name': 'kick-off session',
                        'verbose_name_plural': 'kick-off sessions',
                        'ordering': ['process', 'date', 'starts_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='KickoffInvitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sequence', models.PositiveIntegerField()),
                        ('sent_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('staff_member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='kickoff_invitations', to='units.staffmember')),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='units.kickoffsession')),
                    ],
                    options={
                        'verbose_name': 'kick-off invitation',
                        'verbose_name_plural': 'kick-off invitations',
                        'ordering': ['-sent_at'],
                    },
                ),
                migrations.CreateModel(
                    name='KickoffAttendance',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('attended', models.BooleanField(verbose_name='attended')),
                        ('staff_member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='kickoff_attendances', to='units.staffmember')),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='units.kickoffsession')),
                    ],
                    options={
                        'verbose_name': 'kick-off attendance',
                        'verbose_name_plural': 'kick-off attendances',
                        'ordering': ['session', 'staff_member__name'],
                    },
                ),
                migrations.CreateModel(
                    name='KickoffSignUp',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('signed_up_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='signed up at')),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sign_ups', to='units.kickoffsession')),
                        ('staff_member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='kickoff_sign_ups', to='units.staffmember')),
                    ],
                    options={
                        'verbose_name': 'kick-off sign-up',
                        'verbose_name_plural': 'kick-off sign-ups',
                        'ordering': ['session', 'signed_up_at'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='kickoffsession',
                    constraint=models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='kickoff_session_ends_after_start'),
                ),
                migrations.AddConstraint(
                    model_name='kickoffsession',
                    constraint=models.CheckConstraint(condition=models.Q(('hours_credited__gte', 0)), name='kickoff_session_hours_gte_0'),
                ),
                migrations.AddConstraint(
                    model_name='kickoffinvitation',
                    constraint=models.UniqueConstraint(fields=('session', 'staff_member', 'sequence'), name='kickoff_invitation_once_per_version'),
                ),
                migrations.AddConstraint(
                    model_name='kickoffattendance',
                    constraint=models.UniqueConstraint(fields=('session', 'staff_member'), name='kickoff_attendance_unique'),
                ),
                migrations.AddConstraint(
                    model_name='kickoffsignup',
                    constraint=models.UniqueConstraint(fields=('session', 'staff_member'), name='kickoff_sign_up_unique'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    _rename_tables('processes', 'units'),
                    reverse_sql=_rename_tables('units', 'processes'),
                ),
            ],
        ),
        migrations.RunPython(
            _move_content_types('processes', 'units'),
            _move_content_types('units', 'processes'),
        ),
    ]
