"""One history page per subject: its whole story in order, from the audit trail of the
record and of its related records (sign-offs, declarations, the meeting and its
decision, the register entry, papers). See ``registry`` for how an app plugs in."""
