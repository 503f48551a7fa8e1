"""Stand-ins for outside services, for tests and benchmarks only: never used when serving."""
