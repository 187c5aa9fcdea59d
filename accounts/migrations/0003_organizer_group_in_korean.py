"""The organizers' group is called 운영자: its name shows in the Korean admin (issue 14)."""

from django.db import migrations


def rename(apps, schema_editor, old, new):
    Group = apps.get_model("auth", "Group")
    if not Group.objects.filter(name=new).exists():
        Group.objects.filter(name=old).update(name=new)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_email_unique_whatever_its_case"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, editor: rename(apps, editor, "organizers", "운영자"),
            lambda apps, editor: rename(apps, editor, "운영자", "organizers"),
        )
    ]
