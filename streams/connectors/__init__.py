"""Connectors: long-running producers that bring a platform's mentions into ``mentions.raw``.

A *source* (one module per platform) talks to the platform and yields batches of items with its
resume position; the *runner* (``runner.py``) maps items through the adapters of
``streams.sources``, dead-letters the malformed ones, produces with delivery confirmed, then moves
the cursor kept in a compacted Kafka topic (``cursor.py``). Sources never touch Kafka; the runner
never speaks a platform's protocol. Setup per platform: ``docs/sources/``.
"""
