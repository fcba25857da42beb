"""faaso helpers for python handlers: `from faaso import secret`.

secret("db-password") returns the secret the function declares in
function.yml (`secrets: [db-password]`), as text, read from the file faaso
mounts read-only at /run/secrets/db-password (the test value while the
function's tests run). Raises KeyError naming the secret when it is not
mounted: declare it in function.yml, or mount it by hand for a plain
`docker run -v FILE:/run/secrets/NAME:ro`.
"""

import re

SECRETS_DIR = "/run/secrets"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def secret(name):
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"invalid secret name {name!r}")
    try:
        with open(f"{SECRETS_DIR}/{name}", encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        raise KeyError(f"secret {name!r} is not mounted: list it under secrets: in function.yml") from None
