"""Edge policies wrapped around every mounted API version: identity, limits, idempotency."""
