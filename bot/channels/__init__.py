"""Thin channel adapters: translate platform input to ``Incoming`` and replies back."""
