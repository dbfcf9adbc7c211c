"""Reading and writing mentions as files: JSON lines and CSV exports."""
