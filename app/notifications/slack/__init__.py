"""Outbound Slack: the deliverer, and the subscribers that post about incidents and tickets."""
