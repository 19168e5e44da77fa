"""Events for partners and operators: webhook subscriptions, dead letters, replay, schemas."""
