"""Rasa glue: training with a fingerprint, loading, in-process actions, one turn at a time."""
