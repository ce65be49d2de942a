"""Ledger files as the counties send them -> typed frames: read (files, headers, months, counties) and
normalise (cells). Above the contract; below the quality gate (expectations) and the build (pipelines)."""
