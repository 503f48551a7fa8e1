"""Alembic migrations for the store's schema (``schema.py``); applied when the store opens."""
