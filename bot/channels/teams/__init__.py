"""Microsoft Teams through botbuilder 4.17.1. Every botbuilder import stays in this package,
so a move to the Microsoft 365 Agents SDK touches only these files."""

from bot.channels.teams.channel import TeamsChannel
from bot.channels.teams.route import echo_route

__all__ = ["TeamsChannel", "echo_route"]
