"""Open data: the public record as Popolo JSON and CSV at stable URLs (``/public/data/``),
under the Open Government Licence v3.0. Only what the portal already publishes: public
committees and their members, meetings held in public once published, and the decisions
and named votes of their Part 1 items; the decision register's public entries come from
the decisions app through ``registry``. No Part 2 or confidential record is read."""

LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
