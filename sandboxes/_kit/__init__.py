"""Shared machinery for the vendor sandboxes: store, fault injection, rate limit, app wiring."""
