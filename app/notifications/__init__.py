"""Outbound notifications: subscribers turn domain events into outbox rows; the worker delivers them."""
