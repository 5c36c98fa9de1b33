"""Pages for people: the evaluation and recalibration reports and their conclusions."""
