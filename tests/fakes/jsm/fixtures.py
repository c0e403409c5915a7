"""Pytest fixtures of the jsm fake (loaded for every test by tests/conftest.py)."""
