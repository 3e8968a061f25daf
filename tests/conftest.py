"""Shared fixtures. Keep this small: fixtures used by one test file live in that file."""
