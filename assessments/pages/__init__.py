"""Builders of what a page shows (rows with people's labels) from selectors and the engine's results."""
