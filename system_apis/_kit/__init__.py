"""Shared kit for system APIs: connector base, http client factory, standard tests."""
