"""The thin FastAPI layer over `readiness` (the scoring service comes with issue 5)."""
