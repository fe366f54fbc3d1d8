"""Scheduled jobs (filled in with the job table)."""


def run_due_jobs(now=None):
    """Run every scheduled job whose current period has not run yet."""
    return []
