"""The exception queue: parked runs, failed runs and dead letters, for people to act on."""
