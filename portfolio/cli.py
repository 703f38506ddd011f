"""Command-line commands: ``flask --app portfolio <command>``."""
from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portfolio import db, demo, migrate
from portfolio.backups import service as backups
from portfolio.erasure import retention
from portfolio.erasure import service as erasure
from portfolio.errors import KindError
from portfolio.media import sweep as media_sweep
from portfolio.media.changes import commit_or_clean_up
from portfolio.media.storage import LocalMediaStore, MediaStoreError, media_store
from portfolio.symbols import library as symbols


def register_commands(app: Flask) -> None:
    register_data_commands(app)

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


# Looking after the data: retention, backups and the media sweep ------------------------------------

def _sqlite_file() -> Path:
    """The SQLite database file; the commands below refuse other databases (see the README)."""
    url = db.engine().url
    if url.get_backend_name() != "sqlite" or not url.database:
        raise click.ClickException("This instance uses PostgreSQL: back it up with pg_dump and pg_restore, and "
                                   "copy the media store (see Backups in the README).")
    return Path(url.database)


def _local_store() -> LocalMediaStore:
    store = media_store()
    if not isinstance(store, LocalMediaStore):
        raise click.ClickException("The media store is not on this disk: use the object store's own copies.")
    return store


def _secret_file(app: Flask) -> Path | None:
    """The generated key in the instance folder, when that is what the app signs with."""
    path = Path(app.instance_path) / "secret_key"
    return path if path.exists() and path.read_text().strip() == app.config["SECRET_KEY"] else None


def _retention_command(today: datetime | None, apply: bool) -> None:
    app_obj = current_app._get_current_object()
    years = app_obj.config["RETENTION_YEARS_AFTER_LEAVING"]
    session = db.session()
    due = retention.due_for_erasure(session, today.date() if today else date.today(), years)
    click.echo(f"{len(due)} learners left {years} or more years ago with no consent to keep in touch.")
    for item in due:
        click.echo(f"  {item.describe()}")
    if not apply:
        if due:
            click.echo("Nothing was erased. Run again with --apply to erase them.")
        return
    for item in due:
        change = retention.erase_due(session, item)
        commit_or_clean_up(session, media_store(), change)
        erasure.forget_speech(Path(app_obj.config["SPEECH_CACHE_DIR"]))
        click.echo(f"Erased learner {item.learner_id}: {len(change.replaced)} files removed.")


def _sweep_command(dry_run: bool, older_than: int) -> None:
    store = media_store()  # the folder or the S3 bucket alike
    session = db.session()
    try:
        report = media_sweep.sweep(store, lambda: media_sweep.referenced_keys(session),
                                   min_age=max(older_than, 60) * 60.0, apply=not dry_run)
    except MediaStoreError as problem:
        raise click.ClickException(f"The media store could not be reached, so nothing was removed: {problem}") \
            from problem
    click.echo(f"Files in the store: {report.files}")
    click.echo(f"Files with no row, older than {max(older_than, 60)} minutes: {len(report.orphans)}")
    click.echo(f"Files with no row, too new to touch: {len(report.young_orphans)}")
    click.echo(f"Unfinished .tmp files: {len(report.stray_temp)}")
    click.echo(f"Rows whose file is missing: {len(report.missing)}")
    for key in report.missing:
        click.echo(f"  missing: {key}")
    click.echo(f"Removed: {report.removed}" if not dry_run else "Nothing was removed (--dry-run).")


def register_data_commands(app: Flask) -> None:
    """Retention, backup, restore and the media sweep."""

    @app.cli.command("retention")
    @click.option("--apply", is_flag=True, help="Erase the learners listed (otherwise only list them).")
    @click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Count from this day.")
    def retention_command(apply: bool, today: datetime | None) -> None:
        """List the leavers past the retention period; erase them with --apply."""
        _retention_command(today, apply)

    @app.cli.command("backup")
    @click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
    def backup_command(dest: Path) -> None:
        """Back up the database (online backup API), the media store and the secret key into DEST."""
        try:
            result = backups.backup(_sqlite_file(), _local_store(), dest, _secret_file(current_app))
        except KindError as refused:
            raise click.ClickException(refused.message) from refused
        click.echo(f"Backed up {sum(result.rows.values())} rows in {len(result.rows)} tables and "
                   f"{result.files} media files to {result.folder}"
                   f"{' with the secret key' if result.secret_key else ''}.")
        if result.missing_media:
            click.echo(f"{len(result.missing_media)} files were removed while the backup ran; their rows are in it.")

    @app.cli.command("restore")
    @click.argument("src", type=click.Path(file_okay=False, exists=True, path_type=Path))
    def restore_command(src: Path) -> None:
        """Restore a backup into this instance, which must be empty."""
        app_obj = current_app._get_current_object()
        db.engine().dispose()
        try:
            result = backups.restore(src, _sqlite_file(), _local_store(), Path(app_obj.instance_path) / "secret_key")
        except KindError as refused:
            raise click.ClickException(refused.message) from refused
        db.engine().dispose()
        migrate.upgrade(app_obj)
        click.echo(f"Restored {sum(result.rows.values())} rows and {result.files} media files"
                   f"{' and the secret key (restart the app to use it)' if result.secret_key else ''}.")

    register_media_commands(app)
    register_mail_commands(app)
    register_job_commands(app)
    register_notice_commands(app)


def register_notice_commands(app: Flask) -> None:
    """``flask notices digest --daily|--weekly``: for cron, once a day and once a week."""
    notices_group = AppGroup("notices", help="Notices to families and staff.")
    app.cli.add_command(notices_group)

    @notices_group.command("digest")
    @click.option("--daily", "frequency", flag_value="daily", help="Reviews coming up, then the daily digests.")
    @click.option("--weekly", "frequency", flag_value="weekly", help="The weekly digests.")
    @click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Count from this day.")
    def digest_command(frequency: str | None, today: datetime | None) -> None:
        """Gather each person's notices into one email and send it (with no mail server, print it)."""
        from portfolio.mail import sender
        from portfolio.models import utcnow
        from portfolio.notices import mailing

        if frequency is None:
            raise click.UsageError("Say which digest: --daily or --weekly.")
        app_obj = current_app._get_current_object()  # type: ignore[attr-defined]
        base_url = app_obj.config.get("PUBLIC_BASE_URL") or "http://localhost:5000"
        dbs = db.session()
        day = today.date() if today else date.today()
        reviews, each, digests = mailing.run_digest(dbs, frequency, base_url, day, utcnow())
        dbs.commit()
        sent, failed = sender.deliver_for_app(app_obj)
        sender.stop(app_obj)  # the commit may have woken the background sender too: let it finish first
        click.echo(f"Raised {reviews} review notice(s); queued {each} single email(s) and {digests} digest(s); "
                   f"sent {sent}, {failed} to try again later.")


def register_job_commands(app: Flask) -> None:
    """``flask jobs worker``: run PDFs, imports and speech from the Redis queue (``JOBS_REDIS_URL``)."""
    jobs_group = AppGroup("jobs", help="Background jobs on the Redis queue.")
    app.cli.add_command(jobs_group)

    @jobs_group.command("worker")
    @click.option("--burst", is_flag=True, help="Stop once the queue is empty (for tests and cron).")
    def worker_command(burst: bool) -> None:
        """Run jobs from the queue until stopped; start one or more, on any host that sees the database."""
        from portfolio.jobs import queue as job_queue

        app_obj = current_app._get_current_object()  # type: ignore[attr-defined]
        if not job_queue.redis_url(app_obj.config):
            raise click.ClickException("Set JOBS_REDIS_URL (for example redis://localhost:6379/1) to run a worker; "
                                       "without it the app runs jobs itself.")
        job_queue.run_worker(app_obj, burst=burst)

    @jobs_group.command("prune")
    @click.option("--days", type=int, default=7, show_default=True, help="Keep jobs that finished more recently.")
    def prune_command(days: int) -> None:
        """Forget finished jobs and delete the PDFs they made, once they are this old (run it daily from cron)."""
        from datetime import timedelta

        from portfolio.jobs import service as jobs
        from portfolio.models import utcnow

        session = db.session()
        count, change = jobs.prune(session, utcnow() - timedelta(days=max(days, 0)))
        commit_or_clean_up(session, media_store(), change)
        click.echo(f"Forgot {count} finished job(s) and deleted {len(change.replaced)} file(s).")


def register_mail_commands(app: Flask) -> None:
    """``flask mail send``: send every email that is waiting (for cron, or after a restart)."""
    mail_group = AppGroup("mail", help="The outbox of emails.")
    app.cli.add_command(mail_group)

    @mail_group.command("send")
    def mail_send_command() -> None:
        """Send every email that is due now, once each; failures wait for their next retry."""
        from portfolio.mail import sender

        sent, failed = sender.deliver_for_app(current_app._get_current_object())  # type: ignore[attr-defined]
        click.echo(f"Sent {sent} email(s); {failed} could not be sent and will be tried again later.")


def register_media_commands(app: Flask) -> None:
    """``flask media …``: looking after the media store."""
    media_group = AppGroup("media", help="Look after the media store.")
    app.cli.add_command(media_group)

    @media_group.command("sweep")
    @click.option("--dry-run", is_flag=True, help="Only report; remove nothing.")
    @click.option("--older-than-minutes", "older_than", type=int, default=60, show_default=True,
                  help="Leave files younger than this (never less than 60).")
    def sweep_command(dry_run: bool, older_than: int) -> None:
        """Remove files no row points at (and unfinished .tmp files) once an hour old; report missing files."""
        _sweep_command(dry_run, older_than)
