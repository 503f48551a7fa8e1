"""Microsoft Teams through botbuilder 4.17.1. Every botbuilder import the bot makes stays in
this package, so a move to the Microsoft 365 Agents SDK touches only these files (and the
benchmark's baseline, tools/echo_teams.py, which is botbuilder as shipped)."""

from bot.channels.teams.channel import TeamsChannel

__all__ = ["TeamsChannel"]
