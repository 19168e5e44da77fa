"""The one exception the harness raises for problems the operator can act on."""


class BenchError(Exception):
    """Why the benchmark cannot proceed, phrased for whoever ran it."""
