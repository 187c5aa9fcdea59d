# RankingSnapshot, Allocation and Publication now belong to ``results`` (results.0001 took them
# over in Django's state). Nothing changes in the database: the tables keep their names.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('judging', '0002_rankingsnapshot_allocation_publication_and_more'),
        ('results', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Publication'),
                migrations.DeleteModel(name='Allocation'),
                migrations.DeleteModel(name='RankingSnapshot'),
            ],
        ),
    ]
