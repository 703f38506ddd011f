"""Command-line commands: ``flask --app portfolio <command>``."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app

from portfolio import db, demo, migrate
from portfolio.symbols import library as symbols


def register_commands(app: Flask) -> None:
    @app.cli.command("init-db")
    def init_db() -> None:
        """Apply every database migration."""
        migrate.upgrade(current_app._get_current_object())
        click.echo("Database is up to date.")

    @app.cli.command("demo")
    @click.option("--if-empty", is_flag=True, help="Only add demo data when the database has no schools.")
    @click.option("--base-url", default="http://localhost:5000", show_default=True)
    def demo_command(if_empty: bool, base_url: str) -> None:
        """Migrate, add demo schools and people, and print every sign-in."""
        app_obj = current_app._get_current_object()
        migrate.upgrade(app_obj)
        accounts_file = Path(app_obj.instance_path) / "demo-accounts.json"
        session = db.session()
        if if_empty and not demo.is_empty(session):
            if accounts_file.exists():
                click.echo(demo.describe(json.loads(accounts_file.read_text())))
            else:
                click.echo("The database already has data; demo data was not added.")
            return
        if not demo.is_empty(session):
            raise click.ClickException("The database already has data. Use a fresh instance folder for the demo.")
        rows = demo.create_demo(session, base_url, app_obj.config["LOGIN_CARD_DAYS"],
                                    hash_method=app_obj.config["PASSWORD_HASH_METHOD"])
        session.commit()
        demo.write_accounts(rows, accounts_file)
        click.echo(demo.describe(rows))
        click.echo(f"Also written to {accounts_file}")

    @app.cli.command("symbols")
    def symbols_command() -> None:
        """Copy the symbols the app uses from OpenMoji into static/symbols/."""
        names = symbols.build_static_symbols()
        click.echo(f"Wrote {len(names)} symbols to {symbols.STATIC_DIR}")
