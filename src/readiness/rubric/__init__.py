"""The 100-point rubric: its criteria and score, the adopted store, recalibration."""
