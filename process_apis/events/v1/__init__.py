"""Version 1 of the events API."""
