"""Command-line tools: `flask seed`, `flask worker`, `flask audit verify`, `flask attachments copy-to-database`."""
import click
from flask import current_app
from flask.cli import AppGroup

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


def verify_command(batch_size):
    """Check the audit hash chain; exit non-zero naming the first broken event."""
    from app.services.audit import verify_chain

    checked, broken = verify_chain(batch_size, progress=lambda n: click.echo(f"  {n} events checked...", err=True))
    if broken:
        raise click.ClickException(f"Audit chain BROKEN after {checked} good events: {broken}")
    click.echo(f"Audit chain intact: {checked} events verified.")


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
        from app.outbox.worker import Worker

        runner = Worker(current_app._get_current_object())
        if once:
            click.echo(f"Delivered {runner.tick()} message(s).")
            return
        runner.run_in_foreground()

    files = AppGroup("attachments", help="Attachment storage tools.")
    app.cli.add_command(files)

    @files.command("copy-to-database")
    def copy_to_database():
        """Copy the files in ATTACHMENTS_DIR into the database (before ATTACHMENT_STORAGE=database)."""
        from app.services.attachments import copy_files_to_database

        copied, missing = copy_files_to_database(log=click.echo)
        click.echo(f"Copied {copied} file(s) into the database; {missing} missing from the directory.")
        if missing:
            raise click.exceptions.Exit(1)

    audit = AppGroup("audit", help="Audit trail tools.")
    app.cli.add_command(audit)

    @audit.command("verify")
    @click.option("--batch", default=5000, show_default=True, type=click.IntRange(1, 1_000_000),
                  help="Events read per query.")
    def verify(batch):
        """Check that no audit event was edited, removed or reordered."""
        verify_command(batch)
