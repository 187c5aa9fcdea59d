# The models moved from ``judging`` (DOMAIN §6–§8): Django's state only. The tables keep their
# names (``Meta.db_table``) and their rows; judging.0003 removes the models from judging's state.

import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models


def content_types_move(apps, schema_editor):
    """Keep the content types (and the admin's history and permissions that point at them)."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in ("rankingsnapshot", "allocation", "publication"):
        if not content_type.objects.filter(app_label="results", model=model).exists():
            content_type.objects.filter(app_label="judging", model=model).update(
                app_label="results"
            )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contests', '0001_initial'),
        ('judging', '0002_rankingsnapshot_allocation_publication_and_more'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='RankingSnapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('method', models.CharField(max_length=16)),
                ('params', models.JSONField(default=dict, help_text='method, tie-break, divisions, weights')),
                ('inputs_sha256', models.CharField(max_length=64)),
                ('rows', models.JSONField(default=list)),
                ('judges', models.JSONField(default=list)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('contest', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rankings', to='contests.contest')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('round', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='rankings', to='contests.round')),
            ],
            options={
                'verbose_name': 'ranking',
                'verbose_name_plural': 'rankings',
                'ordering': ['-created_at', '-id'],
                'db_table': 'judging_rankingsnapshot',
            },
        ),
        migrations.CreateModel(
            name='Allocation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('awards', models.JSONField(default=list)),
                ('unawarded', models.JSONField(default=list)),
                ('tiers_total', models.BigIntegerField()),
                ('awarded_total', models.BigIntegerField()),
                ('unallocated', models.BigIntegerField()),
                ('remainder', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('approved_at', models.DateTimeField(blank=True, null=True)),
                ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('contest', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='allocations', to='contests.contest')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('ranking', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='results.rankingsnapshot')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'db_table': 'judging_allocation',
                'constraints': [models.CheckConstraint(condition=models.Q(('awarded_total__gte', 0), ('unallocated__gte', 0), ('remainder__gte', 0), ('tiers_total', django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(models.F('awarded_total'), '+', models.F('unallocated')), '+', models.F('remainder')))), name='allocation_money_adds_up')],
            },
        ),
        migrations.CreateModel(
            name='Publication',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('winners', models.JSONField(default=list)),
                ('published_at', models.DateTimeField()),
                ('unpublished_at', models.DateTimeField(blank=True, null=True)),
                ('unpublish_reason', models.TextField(blank=True)),
                ('allocation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='results.allocation')),
                ('contest', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='publications', to='contests.contest')),
                ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-published_at', '-id'],
                'db_table': 'judging_publication',
                'constraints': [models.UniqueConstraint(condition=models.Q(('unpublished_at__isnull', True)), fields=('contest',), name='publication_one_live_per_contest')],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(content_types_move, migrations.RunPython.noop),
    ]
