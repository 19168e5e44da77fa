"""Durable-flow runtime shared by process APIs."""
