"""Export and import: every field of every complaint as CSV, JSON or JSON lines."""
