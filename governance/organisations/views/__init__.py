"""The Manage area (``/manage/``): organisations (the ICB secretariat) and each
organisation's people (its own secretariat, or the ICB secretariat). Every change goes
through an audited service; lists are scoped by ``governance.organisations.selectors``."""
