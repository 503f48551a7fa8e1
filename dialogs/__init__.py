"""Conversation flows as python-statemachine machines, built from content."""
