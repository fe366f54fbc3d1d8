"""The plumbing every service shares: errors, events, validation, permissions and lifecycle tables."""
