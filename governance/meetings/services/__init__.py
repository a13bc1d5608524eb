"""State changes of committees and meetings. Every service validates, writes and audits
in one transaction; views, the API, job handlers and the demo seeder call them."""
