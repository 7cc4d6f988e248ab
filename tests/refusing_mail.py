"""An e-mail backend for tests whose mail server refuses some addresses, as SMTP does.

``refusing_mail(settings, *addresses)`` switches to it: a message to one of ``addresses`` raises
``SMTPRecipientsRefused`` (as Django's SMTP backend does when every recipient is refused); the
others land in ``django.core.mail.outbox`` as with the locmem backend.
"""

import smtplib

from django.core.mail.backends.locmem import EmailBackend

REFUSED: set[str] = set()


class RefusingEmailBackend(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            refused = {address: (550, b"5.1.1 No such user") for address in message.to}
            if set(refused) & REFUSED:
                raise smtplib.SMTPRecipientsRefused(refused)
        return super().send_messages(messages)


def refusing_mail(settings, *addresses):
    REFUSED.clear()
    REFUSED.update(addresses)
    settings.EMAIL_BACKEND = "tests.refusing_mail.RefusingEmailBackend"
