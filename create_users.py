"""Create the demo organizations and users (idempotent): python create_users.py [--force]."""
import os
import sys

import click

from app import create_app
from app.commands import seed_command


def main(argv):
    unknown = [arg for arg in argv if arg != "--force"]
    if unknown:
        print(f"usage: python create_users.py [--force]   (unknown argument: {unknown[0]})", file=sys.stderr)
        return 2
    # A demo-data script: development unless RELAY_ENV says otherwise (production then needs --force).
    app = create_app(os.environ.get("RELAY_ENV") or "development")
    with app.app_context():
        try:
            seed_command(force="--force" in argv)
        except click.ClickException as error:
            print(f"error: {error.message}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
