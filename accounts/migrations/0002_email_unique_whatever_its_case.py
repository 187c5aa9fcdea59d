"""One account per e-mail address, whatever its case (issue 13.14): stored addresses are
lower-cased first (accounts.identity.email_normalise); two accounts sharing an address stop the
migration with their user names, for an operator to settle."""

import django.db.models.functions.text
from django.db import migrations, models


def lower_emails(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    seen: dict[str, str] = {}
    clashes = []
    for pk, username, email in User.objects.exclude(email="").values_list("pk", "username", "email"):
        normal = email.strip().lower()
        if normal in seen:
            clashes.append(f"{seen[normal]} / {username}: {normal}")
        seen.setdefault(normal, username)
        if normal != email:
            User.objects.filter(pk=pk).update(email=normal)
    if clashes:
        raise RuntimeError(
            "Accounts share an e-mail address (give one of each pair another address, then "
            "migrate again): " + "; ".join(clashes)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(lower_emails, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                condition=models.Q(("email", ""), _negated=True),
                name="user_email_ci_unique",
                violation_error_message="An account with this email address already exists.",
            ),
        ),
    ]
