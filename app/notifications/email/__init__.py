"""Email: the SMTP transport, composing messages, and who hears what."""
