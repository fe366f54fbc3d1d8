"""Command-line tools: `flask seed`, `flask worker`, `flask audit verify|seal`, `flask attachments copy-to-database`."""
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
    """Check the audit hash chains and checkpoints; exit non-zero naming the first broken event."""
    from app.services.audit_verify import verify_trail

    report, broken = verify_trail(batch_size, progress=lambda n: click.echo(f"  {n} events checked...", err=True))
    if broken:
        raise click.ClickException(f"Audit chain BROKEN after {report.checked} good events: {broken}")
    click.echo(f"Audit chain intact: {report.checked} events verified.")
    click.echo(f"  {report.legacy} on the legacy chain, {report.checked - report.legacy} on "
               f"{report.records} record chains.")
    checkpoint = report.checkpoint
    if checkpoint is None:
        click.echo("No checkpoint yet: nothing is sealed.")
        return
    click.echo(f"Newest checkpoint: {checkpoint.id} at {checkpoint.created_at:%Y-%m-%d %H:%M:%S} UTC, "
               f"{'keyed' if checkpoint.keyed else 'NOT keyed'}, seal {checkpoint.hash}; "
               f"{report.unsealed} events written since are not sealed yet.")


def seal_command():
    """Write an audit checkpoint now."""
    from app.services.audit_seal import seal

    checkpoint = seal()
    if checkpoint is None:
        click.echo("Nothing to seal: no record chain moved since the last checkpoint.")
        return
    click.echo(f"Checkpoint {checkpoint.id} sealed {checkpoint.event_count} events: {checkpoint.hash}")


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

    @audit.command("seal")
    def seal():
        """Write a checkpoint over every record chain that moved (the worker does this every AUDIT_SEAL_SECONDS)."""
        seal_command()

    analytics = AppGroup("analytics", help="The analytics rollup.")
    app.cli.add_command(analytics)

    @analytics.command("rebuild")
    def rebuild():
        """Recompute the analytics rollup from every incident and ticket (after upgrading with existing data)."""
        from app.services.rollup import rebuild as rebuild_rollup

        def progress(record, done, total):
            if done == total or done % 10 == 0:
                click.echo(f"  {record}s: week {done} of {total}", err=True)

        weeks = rebuild_rollup(progress)
        click.echo(f"Analytics rollup rebuilt: {weeks} week(s).")

    secrets = AppGroup("secrets", help="Stored secrets (PagerDuty keys, tokens, webhook secrets).")
    app.cli.add_command(secrets)

    @secrets.command("reencrypt")
    def reencrypt():
        """Re-encrypt every stored secret under the first key of RELAY_ENCRYPTION_KEYS (after adding a new one)."""
        from app.services.core.errors import DomainError
        from app.services.pagerduty_settings import reencrypt_all

        try:
            count = reencrypt_all()
        except DomainError as error:
            raise click.ClickException(error.message)
        click.echo(f"Re-encrypted {count} stored secret(s) under the first key; the older keys can now be removed.")
