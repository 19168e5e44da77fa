"""The edge: app factory, registry, problem rendering, health, CLI."""
