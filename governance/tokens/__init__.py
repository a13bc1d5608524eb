"""API tokens that expire, die with a password change, can be revoked and are listed.

Only a SHA-256 hash of each key is stored (the key is shown once, when issued). A token
is valid until the first of: its expiry (``API_TOKEN_DAYS`` after issue, default 30),
its revocation (``DELETE /api/v1/auth/token/``), or a change of the user's password (the
token records a fingerprint of the password hash; any change, whatever path made it, the
admin, ``changepassword`` or a reset, no longer matches).
"""
