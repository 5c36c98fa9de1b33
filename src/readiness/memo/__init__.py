"""The hand-off memo: its text or JSON parsed into typed fields, dates and values."""
