"""Scoring leads with the served bundle, and timing advice on when to toss up."""
