"""Scheduled jobs: the table of jobs and the once-per-period scheduler that runs them."""
