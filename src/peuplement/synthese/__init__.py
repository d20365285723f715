"""Synthetic studies (no real person, no real dwelling) for the demo, the tests and benchmarks."""
