"""Helpers for the tests and the benchmarks (clients and servers of their own); never
imported by the running platform."""
