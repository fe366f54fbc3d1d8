"""Command-line tools: `flask seed`, `flask worker`."""
import click
from flask import current_app

from app.services.seed import seed_demo

BANNER = """\
!!  DEMO CREDENTIALS  !!
!!  These accounts have well-known passwords (admin@example.com / admin123 ...).
!!  Never use them on a server anyone else can reach.
"""


def seed_command(force=False):
    """Create the demo organizations, users and product areas (idempotent)."""
    if current_app.config.get("ENV_NAME") == "production" and not force:
        raise click.ClickException(
            "Refusing to create demo users in production; pass --force if you really mean it."
        )
    click.secho(BANNER, fg="yellow", err=True)
    created = seed_demo(log=click.echo)
    click.echo(f"Seeded demo data: {created} record(s) created." if created
               else "Demo data already present; nothing changed.")


def register(app):
    from app.slack.manifest import slack_cli

    app.cli.add_command(slack_cli)

    @app.cli.command("seed")
    @click.option("--force", is_flag=True, help="Seed even when RELAY_ENV=production.")
    def seed(force):
        """Create the demo organizations, users and product areas."""
        seed_command(force)

    @app.cli.command("worker")
    @click.option("--once", is_flag=True, help="Deliver what is due and run due jobs once, then exit.")
    def worker(once):
        """Deliver the outbox and run scheduled jobs until SIGTERM."""
        from app.notifications.runner import Worker

        runner = Worker(current_app._get_current_object())
        if once:
            click.echo(f"Delivered {runner.tick()} message(s).")
            return
        runner.run_in_foreground()
