"""Keep officers' words out of the log, whatever slack-bolt and slack-sdk choose to log.

Below WARNING the libraries log whole request bodies (bolt's refused-signature message, its
listener error hints, Socket Mode's raw envelopes). Their records below WARNING are dropped
unless the root logger is at DEBUG, where a developer has asked for everything; at WARNING
and above they log ids and error names only.
"""

from __future__ import annotations

import logging

LIBRARY_LOGGER = "advisor.slack.library"


def _quiet(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING or logging.getLogger().isEnabledFor(logging.DEBUG)


def library_logger() -> logging.Logger:
    """The base logger bolt copies (with its filter) onto every logger it creates for the app,
    its middleware, its Socket Mode client and its Web API client."""
    logger = logging.getLogger(LIBRARY_LOGGER)
    if _quiet not in logger.filters:
        logger.addFilter(_quiet)
    return logger
