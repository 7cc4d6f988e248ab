"""Start the test OpenID Connect provider: ``python -m tests.oidc_provider.serve DIR PORT``.

DIR holds config.json (issuer, client, redirect prefix, users); this makes the RSA key, the
SQLite database, the client and the users there, then serves until killed.
"""

import os
import sys
from pathlib import Path


def main(folder: str, port: int) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    folder_path = Path(folder)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (folder_path / "key.pem").write_bytes(pem)
    os.environ["OIDC_PROVIDER_DIR"] = folder
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    config = settings.CONFIG
    Application.objects.create(
        name="werkdruk",
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=config["redirect_prefix"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    for username in config["users"]:
        get_user_model().objects.create_user(username=username)
    run("127.0.0.1", port, get_wsgi_application(), threading=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main(sys.argv[1], int(sys.argv[2]))
