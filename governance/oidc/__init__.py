"""Single sign-on with OpenID Connect (e.g. Microsoft Entra ID for NHS.net accounts).

- ``config``: the settings, read from the environment only (imported by settings.py).
- ``discovery``: the provider's endpoints and keys, from its discovery document.
- ``backend``: matches a signed-in provider account to an invited person by verified
  e-mail; never creates users.
- ``views`` / ``urls``: the sign-in redirect and the callback, audited.
"""
