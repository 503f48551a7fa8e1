"""The Slack channel (slack-bolt): a thin adapter over the conversation engine."""

from bot.channels.slack.app import SlackChannel

__all__ = ["SlackChannel"]
