"""The scheduled jobs: name, the setting that holds its schedule, and what it runs."""
from app.jobs import incident_jobs, ticket_jobs
from app.jobs.scheduler import Job

TIMETABLE = (
    Job("weekly_summary", "WEEKLY_SUMMARY_AT", incident_jobs.weekly_summary),
    Job("overdue_reminder", "OVERDUE_REMINDER_AT", ticket_jobs.overdue_reminder),
    Job("stale_report", "STALE_REPORT_AT", ticket_jobs.stale_report),
    Job("tickets_pin", "TICKETS_PIN_AT", ticket_jobs.hourly_pin),
)
