"""Kafka plumbing: the embedded broker, topic administration, plain producers and consumers."""
