"""What people read, without widgets: tables, verdicts, plots, the brief, the CLI."""
