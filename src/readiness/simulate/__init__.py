"""The synthetic B2B sales world: leads, behaviour, hand-offs, outcomes and truth."""
