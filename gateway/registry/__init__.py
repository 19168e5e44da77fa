"""The federated registry: discover API packages by convention and mount each version."""
