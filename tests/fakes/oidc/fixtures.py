"""Pytest fixtures of the oidc fake (loaded for every test by tests/conftest.py)."""
