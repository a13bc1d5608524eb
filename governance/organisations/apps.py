from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "governance.organisations"
    label = "organisations"
    verbose_name = "Organisations and people"

    def ready(self):
        from governance.audit import sentences

        methods = {
            "password": "with a password",
            "password-break-glass": "with a password (break-glass)",
            "oidc": "with their NHS account",
        }

        def how(changes: dict, side: str) -> str:
            method = (changes or {}).get("method", {}).get(side) or ""
            return methods.get(method, method)

        sentences.register(
            {
                "account.signed_in": lambda c: f"Signed in {how(c, 'after')}".strip(),
                "account.signed_out": "Signed out",
            }
        )
