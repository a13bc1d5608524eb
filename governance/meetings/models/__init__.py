"""Models of committees and meetings (one module per area)."""

from governance.meetings.models.committees import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    CommitteeRole,
)
from governance.meetings.models.meetings import (
    STANDING_ITEMS,
    AgendaItem,
    Meeting,
    MeetingStatus,
    Part,
    Purpose,
    Session,
    StandingKind,
)
from governance.meetings.models.minutes import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionStatus,
    MinuteEntry,
    Minutes,
    MinutesStatus,
)
from governance.meetings.models.packs import PackKind, PackVariant, PackVersion
from governance.meetings.models.papers import (
    COVER_FIELDS,
    RICH_TEXT_FIELDS,
    Paper,
    PaperAppendix,
    PaperStatus,
)
from governance.meetings.models.record import (
    Attendance,
    AttendanceStatus,
    CastingVote,
    Declaration,
    DeclarationSource,
    ItemDecision,
    Outcome,
)

__all__ = [
    "COVER_FIELDS",
    "OPEN_ACTION_STATUSES",
    "RICH_TEXT_FIELDS",
    "STANDING_ITEMS",
    "Action",
    "ActionStatus",
    "AgendaItem",
    "Attendance",
    "AttendanceStatus",
    "CastingVote",
    "Committee",
    "CommitteeKind",
    "CommitteeMember",
    "CommitteeRole",
    "Declaration",
    "DeclarationSource",
    "ItemDecision",
    "Meeting",
    "MeetingStatus",
    "MinuteEntry",
    "Minutes",
    "MinutesStatus",
    "Outcome",
    "PackKind",
    "PackVariant",
    "PackVersion",
    "Paper",
    "PaperAppendix",
    "PaperStatus",
    "Part",
    "Purpose",
    "Session",
    "StandingKind",
]
