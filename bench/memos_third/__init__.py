"""A third, independently written hand-off memo corpus (five habits, frozen)."""
