"""The win model: candidates, training, evaluation, explanation, the bundle, drift."""
