"""State changes the API itself makes. API tokens live in governance.tokens; the
service is re-exported here for existing imports."""

from __future__ import annotations

from governance.tokens.services import api_token_issue, api_token_revoke

__all__ = ["api_token_issue", "api_token_revoke"]
