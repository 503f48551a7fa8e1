"""Developer tools: benchmarks, the answer-quality evaluation, the fuzzer and stand-ins for
outside services (a fake Slack Web API, baseline bots, scratch databases). Tests, benchmarks and
CI use them; the bot never imports them (tests/test_architecture.py checks it)."""
