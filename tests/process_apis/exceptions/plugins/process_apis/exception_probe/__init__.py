"""A test-only flow that parks, fails or compensates on demand, for the exception queue's tests."""
