"""Pages of the meetings app: the secretariat's and members' pages, and the public portal."""
