"""companion: an offline, hands-free voice companion for couples."""

__version__ = "0.1.0"
