"""Issue 14, item 3: staff are linked to accounts through verified addresses only.

accounts.0002 made every account's own address verified, except where a user had switched the
main address, on the e-mail page, to an address never confirmed and kept no other address.
Such an account goes back to its address in the school's staff list; with none there, its
own address is kept and vouched for, as for everyone else.

Then every staff member linked to an account through an address that account never confirmed
(the import linked by main address, and a user could make any address main) is linked again:
to the account that verified the address, or to a new account of its own with the address
verified, as the staff import does now. The unconfirmed claim is removed.
"""

from django.contrib.auth.hashers import make_password
from django.db import migrations


def _vouch(EmailAddress, user_id, email):
    EmailAddress.objects.filter(email__iexact=email).exclude(user_id=user_id).delete()
    EmailAddress.objects.filter(user_id=user_id, primary=True).exclude(email=email).update(
        primary=False
    )
    updated = EmailAddress.objects.filter(user_id=user_id, email=email).update(
        verified=True, primary=True
    )
    if not updated:
        EmailAddress.objects.create(user_id=user_id, email=email, verified=True, primary=True)


def _taken(User, EmailAddress, user_id, email):
    return (
        User.objects.filter(email__iexact=email).exclude(pk=user_id).exists()
        or EmailAddress.objects.filter(email__iexact=email, verified=True)
        .exclude(user_id=user_id)
        .exists()
    )


def staff_links_verify(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    StaffMember = apps.get_model("units", "StaffMember")

    unresolved = EmailAddress.objects.filter(primary=True, verified=False).select_related("user")
    for claim in unresolved:
        user = claim.user
        if claim.email.lower() != user.email.lower():
            continue
        listed = (
            StaffMember.objects.filter(user_id=user.pk)
            .exclude(email__iexact=claim.email)
            .order_by("-active", "pk")
            .values_list("email", flat=True)
        )
        back = next((e.lower() for e in listed if not _taken(User, EmailAddress, user.pk, e)), None)
        if back is None:
            _vouch(EmailAddress, user.pk, user.email.lower())
            continue
        User.objects.filter(pk=user.pk).update(email=back)
        EmailAddress.objects.filter(pk=claim.pk).update(primary=False)
        _vouch(EmailAddress, user.pk, back)

    for member in StaffMember.objects.filter(user__isnull=False).order_by("pk"):
        email = member.email.lower()
        claims = EmailAddress.objects.filter(user_id=member.user_id, email=email, verified=False)
        if not claims.exists():
            continue
        claims.delete()
        owner = (
            EmailAddress.objects.filter(email=email, verified=True).values_list("user", flat=True)
        ).first() or User.objects.filter(email__iexact=email).values_list("pk", flat=True).first()
        if owner is None:
            owner = User.objects.create(
                email=email, name=member.name, password=make_password(None)
            ).pk
            _vouch(EmailAddress, owner, email)
        StaffMember.objects.filter(pk=member.pk).update(user_id=owner)


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0005_working_methods"),
        ("accounts", "0002_email_addresses_verified"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(staff_links_verify, migrations.RunPython.noop)]
