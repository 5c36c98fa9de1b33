"""Point-in-time features of a lead at a moment, ready for the model."""
