"""Social Media Policy Advisor: a chat bot for council officers."""
