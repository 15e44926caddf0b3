"""Cost estimates: a planned stack against the lift-and-shift it replaces."""
