"""Pytest fixtures of the panva fake (loaded for every test by tests/conftest.py)."""
