"""The thin FastAPI layer over `readiness` (the scoring service arrives with issue 5)."""
