"""Version 1 of the exceptions API."""
