"""The user interface's shared parts on the NHS.UK design system: the base layout's
navigation by role, template tags and filters (money, tags, fields), and the check that
the NHS.UK frontend is installed. See /work/shared/UI-CONVENTIONS.md (copied in the
module docstring of ``governance.ui.templatetags.ui``)."""
