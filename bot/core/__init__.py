"""The channel-independent core: content, matching, storage and the conversation engine."""
