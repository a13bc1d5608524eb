"""Deputies: a named person of the same organisation acting for a signatory or an officer
for a dated period, with the same checks, every record naming both people."""
