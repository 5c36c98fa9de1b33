"""Nightly scoring of a whole backlog: chunks, rejects, resume, ranks, capacity cut."""
