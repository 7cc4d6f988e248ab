"""Issue 14, item 3: every account's own address becomes its verified primary address.

Until now every account was made by the staff import or an administrator, and addresses were
never verified. From now on an address counts (sign-in, staff linking, main address) only once
verified, so each account's ``User.email`` is recorded as verified here: the school or the
administrator vouched for it, and nobody is locked out. Addresses users added themselves stay
unverified.

One exception: an account whose main address was switched, on the e-mail page, to an address
never confirmed (the hole this item closes). Such an address is not vouched for. The account
goes back to an address of its own (a verified one first, else the oldest, which is the one
the school gave it); the unconfirmed one stays as an unverified extra address. An account
with no other address left is handled by units' migration 0006 (from its staff list).

Rows of other accounts on an address that is someone's own address are removed: that address
belongs to its account (this also undoes claims verified through the hole).
"""

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


def email_addresses_verify(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")

    rows = {}
    for row in EmailAddress.objects.order_by("pk"):
        rows.setdefault(row.user_id, []).append(row)
    main = {user.email.lower(): user.pk for user in User.objects.only("pk", "email")}
    verified = {
        row.email.lower(): row.user_id for row in EmailAddress.objects.filter(verified=True)
    }

    def free_for(user_id, email):
        return main.get(email, user_id) == user_id and verified.get(email, user_id) == user_id

    vouch = []
    for user in User.objects.order_by("pk").only("pk", "email"):
        email = user.email.lower()
        own = [row for row in rows.get(user.pk, []) if row.email.lower() == email]
        if not own or own[0].verified or not own[0].primary:
            vouch.append((user.pk, email))  # the address the school or administrator gave
            continue
        # Made the main address on the e-mail page without confirming it: go back.
        others = sorted(
            (row for row in rows.get(user.pk, []) if row.email.lower() != email),
            key=lambda row: (not row.verified, row.pk),
        )
        back = next((row for row in others if free_for(user.pk, row.email.lower())), None)
        if back is None:
            continue  # units.0006 decides from the staff list
        restored = back.email.lower()
        User.objects.filter(pk=user.pk).update(email=restored)
        EmailAddress.objects.filter(pk=own[0].pk).update(primary=False)
        del main[email]
        main[restored] = user.pk
        vouch.append((user.pk, restored))

    for user_id, email in vouch:
        _vouch(EmailAddress, user_id, email)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(email_addresses_verify, migrations.RunPython.noop)]
