"""The GraphQL object types: canonical records of the system APIs, each a Relay node."""
