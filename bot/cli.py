"""``innerchild``: the command line. Every command builds its runtime through ``app.build``.

Every command turns a configuration or start-up problem into one clear line on standard
error and exit status 2; a person chatting never sees a traceback.
"""

from __future__ import annotations

import logging
import signal
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .checkins.cli import checkins_app
from .entry import fail, logging_for, person_id_or_exit, runtime_or_exit, settings_or_exit, starting, thaw, unexpected
from .private_files import private_umask

if TYPE_CHECKING:
    from .engine import Problem

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, help="Inner Child Companion.")
dialogues_app = typer.Typer(no_args_is_help=True, help="Work with dialogue scripts.")
db_app = typer.Typer(no_args_is_help=True, help="Database maintenance.")
safety_app = typer.Typer(no_args_is_help=True, help="Try the safety detector.")
keys_app = typer.Typer(no_args_is_help=True, help="Encryption keys.")
privacy_app = typer.Typer(no_args_is_help=True, help="Operators' privacy duties (PRIVACY.md).")


def version() -> str:
    """The installed package's version (what ``pip`` installed), or "unknown" from a bare checkout."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("innerchild")
    except PackageNotFoundError:
        return "unknown"


def show_version(value: bool) -> None:
    if value:
        typer.echo(f"innerchild {version()}")
        raise typer.Exit()


@app.callback()
def main_options(
    _version: Annotated[bool, typer.Option("--version", callback=show_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Inner Child Companion."""
    private_umask()  # again for a caller of ``app`` that skipped ``main`` (a test's CliRunner)


app.add_typer(dialogues_app, name="dialogues")
app.add_typer(db_app, name="db")
app.add_typer(safety_app, name="safety")
app.add_typer(keys_app, name="keys")
app.add_typer(privacy_app, name="privacy")
app.add_typer(checkins_app, name="checkins")


@app.command()
def chat(
    user: Annotated[str, typer.Option(help="Who is chatting; the same name continues where they left off.")] = "me",
    db: Annotated[Optional[str], typer.Option(help="Database URL (default: the embedded SQLite file).")] = None,
) -> None:
    """Talk to the companion in this terminal."""
    from .console import ConsoleChat, terminal
    from .core import describe_failure
    from .exports import EXPORTS
    from .storage.crypto import KEY_FILE

    settings = settings_or_exit(database_url=db)
    person_id_or_exit(user, f"console:{user}", "--user")  # the console's id for ``user`` (``ConsoleChat``)
    logging_for(settings, quiet=True)
    terminal.logs_away_from_chat(settings.data_dir)
    embedded = settings.data_dir / "innerchild.db" if settings.embedded_database else None
    first_run = terminal.first_run(settings.data_dir, embedded, None if settings.encryption_key else settings.data_dir / KEY_FILE)
    runtime = runtime_or_exit(settings)
    interactive = sys.stdin.isatty()
    terminal.read_replacing(sys.stdin)
    console = ConsoleChat(
        runtime.companion, user, sys.stdout, interactive=interactive, picture_dir=settings.data_dir / "pictures",
        export_dir=settings.data_dir / EXPORTS,
        width=terminal.columns(sys.stdout),
    )
    texts = runtime.library.texts
    try:
        if first_run is not None:
            console.say(texts.plain("console_first_run", first_run) + "\n")
        console.run(terminal.prompted_lines(sys.stdout) if interactive else sys.stdin)
        if interactive:  # Ctrl-D, on the line the prompt's end left
            console.say(texts.plain("goodbye_console"))
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C does not cut the goodbye short
        console.say("\n" + texts.plain("goodbye_console"))  # after ^C, wherever the line was
    except Exception as exc:  # noqa: BLE001 - the person never sees a traceback, the log never their words
        logging.getLogger(__name__).error("the chat stopped: %s", describe_failure(exc))
        console.apologise()
        raise typer.Exit(1) from None
    finally:
        sys.stdout.flush()
        runtime.database.dispose()


@app.command()
def run() -> None:
    """Run the Telegram bot (polling by default, a webhook when INNERCHILD_WEBHOOK_URL is set).
    kill -HUP reloads the scripts; INNERCHILD_RELOAD=watch reloads them when files change."""
    settings = settings_or_exit()
    if not settings.telegram_token:
        fail("INNERCHILD_TELEGRAM_TOKEN is not set: create a bot with @BotFather and set its token")
    logging_for(settings)
    from .app import load
    from .reload import ScriptReloader, keep_last_good
    from .telegram import run_bot

    runtime = runtime_or_exit(settings, last_good=True)

    if runtime.library.folder == settings.dialogues_dir:
        keep_last_good(settings.dialogues_dir, settings.data_dir)
    reloader = ScriptReloader(runtime.companion, settings.dialogues_dir, settings.data_dir, partial(load, cache_dir=settings.data_dir))
    reloader.listeners.append(thaw)
    run_bot(runtime, reloader)


@dialogues_app.command("check")
def dialogues_check(
    folder: Annotated[Optional[Path], typer.Argument(help="Folder of scripts (default: the configured one).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on standard output, for a machine (CI, an editor).")] = False,
) -> None:
    """Validate every script and template; print each problem as path:line: message."""
    from .app import check_dialogues

    if folder is None:
        folder = settings_or_exit().dialogues_dir
    library, problems = check_dialogues(folder)
    if as_json:
        import json

        def listed(found: list[Problem]) -> list[dict[str, object]]:
            return [{"path": str(p.path), "line": p.line, "message": p.message} for p in found]

        typer.echo(json.dumps({
            "ok": not problems, "folder": str(folder), "dialogues": len(library.scripts),
            "steps": sum(len(c.script.steps) for c in library.scripts.values()),
            "problems": listed(problems), "warnings": listed(library.warnings),
        }, indent=2, ensure_ascii=False))
        raise typer.Exit(1 if problems else 0)
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {folder}", err=True)
        raise typer.Exit(1)
    steps = sum(len(c.script.steps) for c in library.scripts.values())
    typer.echo(f"ok: {len(library.scripts)} dialogues, {steps} steps in {folder}")
    for warning in library.warnings:
        typer.echo(str(warning))
    if library.warnings:
        typer.echo(f"{len(library.warnings)} warning(s) in {folder}: worth a look, nothing refused", err=True)


@dialogues_app.command("graph")
def dialogues_graph(dialogue: str) -> None:
    """Print a dialogue's steps as a Mermaid state diagram."""
    from .app import check_dialogues
    from .engine.graph import mermaid

    library, _ = check_dialogues(settings_or_exit().dialogues_dir)
    compiled = library.get(dialogue)
    if compiled is None:
        fail(f"no dialogue '{dialogue}'")
    typer.echo(mermaid(compiled.script))


@dialogues_app.command("play")
def dialogues_play(
    dialogue: Annotated[str, typer.Argument(help="The script's id (its file name without .yaml).")],
    step: Annotated[Optional[str], typer.Option(help="Begin at this step (default: the script's start).")] = None,
    sets: Annotated[Optional[list[str]], typer.Option("--set", help="KEY=VALUE: a journal value (journal.KEY, and answers.KEY when this script asks KEY); vars.NAME=VALUE: a script variable. Repeatable.")] = None,
    name: Annotated[Optional[str], typer.Option(help="The stand-in's name.")] = None,
    child_name: Annotated[Optional[str], typer.Option("--child-name", help="The stand-in's name for their inner child.")] = None,
    country: Annotated[Optional[str], typer.Option(help="The stand-in's country (GB, US ...): which crisis lines show.")] = None,
    dialogues: Annotated[Optional[Path], typer.Option("--dialogues", help="Folder of scripts (default: the configured one).")] = None,
) -> None:
    """Play one script in this terminal, from any step, without onboarding; nothing is kept.

    A stand-in person on a throwaway in-memory database, with a key of its own: nothing is
    written to the data directory or the configured database."""
    from .console.presets import PresetError, check_step, find_dialogue, parse_sets, profile_value, typed_variables, unread_keys
    from .console import terminal
    from .console.preview import Preview
    from .core.preview import StandIn
    from .storage import new_key

    try:
        presets = parse_sets(sets or [])
        stand_in = StandIn(
            name=profile_value("--name", name),
            child_name=profile_value("--child-name", child_name),
            country=profile_value("--country", country),
            journal=presets.journal,
        )
    except PresetError as exc:
        fail(str(exc))
    settings = settings_or_exit(database_url="sqlite://", encryption_key=new_key(), dialogues_dir=dialogues)
    logging_for(settings, quiet=True)
    runtime = runtime_or_exit(settings, migrate=True, script_cache=False)
    try:
        try:
            compiled = find_dialogue(runtime.library, dialogue)
            check_step(compiled.script, step)
            variables = typed_variables(compiled.script, presets.variables)
        except PresetError as exc:
            fail(str(exc))
        for key in unread_keys(compiled.script, compiled.journal_reads, presets.journal):
            typer.echo(f"innerchild: note: {dialogue} never reads '{key}' (journal.{key}) nor asks it (answers.{key})", err=True)
        interactive = sys.stdin.isatty()
        terminal.read_replacing(sys.stdin)
        preview = Preview(runtime.companion, dialogue, sys.stdout, interactive=interactive, width=terminal.columns(sys.stdout))
        try:
            opened = preview.run(stand_in, terminal.prompted_lines(sys.stdout) if interactive else sys.stdin, step=step, variables=variables)
        except KeyboardInterrupt:
            typer.echo("\n" + runtime.library.texts.plain("goodbye_console"))
            opened = True
        if not opened:
            raise typer.Exit(1)
    finally:
        runtime.database.dispose()


@db_app.command("upgrade")
def db_upgrade(db: Annotated[Optional[str], typer.Option(help="Database URL.")] = None) -> None:
    """Apply the database migrations (with the encryption key: a migration may encrypt what is stored)."""
    from .app import StartupError, configure_encryption, data_dir_ready, wrong_key
    from .storage import Database, DatabaseError, KeyError_, KeyMismatch

    settings = settings_or_exit(database_url=db)
    try:
        if settings.embedded_database or not settings.encryption_key:
            data_dir_ready(settings)  # the embedded database or the key file lives there
        notice = configure_encryption(settings)
        if notice:
            typer.echo(f"innerchild: {notice}", err=True)
        database = Database(settings.resolved_database_url)
        try:
            database.upgrade()
        finally:
            database.dispose()
    except KeyMismatch:
        fail(str(wrong_key(settings)))
    except (StartupError, DatabaseError, KeyError_) as exc:
        fail(str(exc))
    typer.echo("database is up to date")


@safety_app.command("scan")
def safety_scan(
    rules_only: bool = typer.Option(False, "--rules-only", help="Use the rules alone, without the learned layer."),
) -> None:
    """Read JSON Lines ({"text": ...}) on stdin; write each back with level, categories and reasons."""
    from safety.scan import scan

    scan(sys.stdin, sys.stdout, learned=not rules_only)


@app.command()
def export(
    user: Annotated[str, typer.Option(help="The console user name to export (a Telegram person exports with /export in the chat).")],
    out: Annotated[Optional[Path], typer.Option(help="Folder to put the export's own private folder in (default: exports/ in the data directory).")] = None,
    db: Annotated[Optional[str], typer.Option(help="Database URL.")] = None,
) -> None:
    """Write everything stored about a console person, their journal document and a JSON
    file, into a new private folder (0700, files 0600); print where each file went."""
    from .exports import NotAConsolePerson, console_id

    try:
        external = console_id(user)
    except NotAConsolePerson as exc:
        fail(str(exc))
    _export(external, out, db)


@privacy_app.command("legal-export")
def legal_export(
    user: Annotated[str, typer.Option(help="The person's stored id: tg:<telegram user id>, or console:<name>.")],
    reason: Annotated[str, typer.Option(help="Why: the legal request this answers (its reference). Recorded with the person's id and the time.")],
    out: Annotated[Optional[Path], typer.Option(help="Folder to put the export's own private folder in (default: exports/ in the data directory).")] = None,
    db: Annotated[Optional[str], typer.Option(help="Database URL.")] = None,
) -> None:
    """For a legal request only: export anyone's data, as /export would give it to them.
    Every use is recorded (the id, the reason, the time, who ran it; never the words) in the
    log and in legal-requests.log in the data directory."""
    if not reason.strip():
        fail("--reason must say which legal request this export answers")
    _export(user, out, db, reason=" ".join(reason.split()))


def _export(external: str, out: Path | None, db: str | None, *, reason: str | None = None) -> None:
    """The export of the person stored as ``external`` into a new private folder; with a
    ``reason`` (a legal request), recorded before any file is written."""
    from .exports import EXPORTS, record_legal_request, save_export
    from .privacy import export_documents
    from .storage.types import utcnow

    settings = settings_or_exit(database_url=db)
    if reason is not None:
        logging_for(settings)
    runtime = runtime_or_exit(settings)
    now = utcnow()
    try:
        with runtime.database.read() as repo:
            person = repo.find_person(external)
            if person is None:
                fail(f"no one stored as '{external}'")
            documents = export_documents(repo, person, runtime.library, now, runtime.features.export_sections)
    finally:
        runtime.database.dispose()
    try:
        if reason is not None:
            record_legal_request(settings.data_dir, external, reason, now)
        written = save_export(out or settings.data_dir / EXPORTS, external, now, documents)
    except OSError as exc:
        fail(f"the export could not be written to {out or settings.data_dir / EXPORTS} ({exc.strerror or type(exc).__name__}): choose another folder with --out")
    for path in written:
        typer.echo(str(path))


@app.command()
def stats(
    db: Annotated[Optional[str], typer.Option(help="Database URL.")] = None,
    dialogues: Annotated[bool, typer.Option("--dialogues", help="Per script: started, finished, completion, and where unfinished sessions stopped.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --dialogues: JSON instead of a table.")] = False,
    min_count: Annotated[int, typer.Option("--min-count", min=1, help="With --dialogues: counts below this show as <N (small-cell rule).")] = 5,  # funnels.MIN_COUNT
) -> None:
    """Counts for operators: people, dialogues, check-ins, safety referrals (JSON); with
    --dialogues, each script's funnel. Never content, never a person."""
    import json

    from .storage.types import utcnow

    runtime = runtime_or_exit(settings_or_exit(database_url=db))
    with runtime.database.read() as repo:
        if not dialogues:
            from .privacy import operator_stats

            typer.echo(json.dumps(operator_stats(repo, utcnow()), indent=2, sort_keys=True))
            return
        from .funnels import dialogue_funnels, report_json

        report = dialogue_funnels(repo, runtime.library, min_count)
    if as_json:
        typer.echo(json.dumps(report_json(report), indent=2))
    else:
        from .funnel_table import funnel_table

        typer.echo(funnel_table(report))


@app.command()
def retention(
    at: Annotated[Optional[str], typer.Option(help="Pretend it is this ISO time (UTC).")] = None,
    db: Annotated[Optional[str], typer.Option(help="Database URL.")] = None,
) -> None:
    """Delete people inactive past INNERCHILD_RETENTION_DAYS whose notice was delivered, and
    queue notices for the running bot to send (it also runs this itself, hourly)."""
    from datetime import UTC, datetime

    from .retention import sweep, unreachable_days
    from .storage.types import utcnow

    settings = settings_or_exit(database_url=db)
    try:
        now = datetime.fromisoformat(at).replace(tzinfo=UTC) if at else utcnow()
    except ValueError:
        fail(f"--at {at!r} is not an ISO time: write it as 2026-01-15T09:30")
    if settings.retention_days <= 0:
        typer.echo("retention is off (INNERCHILD_RETENTION_DAYS is 0): people are kept until they delete; nothing done")
        return
    runtime = runtime_or_exit(settings)
    try:
        result = sweep(
            runtime.companion, now, notice_days=settings.retention_notice_days,
            unreached_days=settings.retention_unreachable_days, queue=True,
        )
    finally:
        runtime.database.dispose()
    longest = unreachable_days(settings.retention_days, settings.retention_unreachable_days)
    typer.echo(
        f"queued {result.queued} notice(s) for the running bot (innerchild run) to send; "
        "a person counts as noticed only once Telegram has accepted it"
    )
    typer.echo(f"waiting for delivery: {result.waiting} notice(s) queued earlier")
    typer.echo(f"cannot be reached (blocked the bot, or console): {result.unreachable}, deleted after {longest} days away")
    typer.echo(
        f"deleted {result.deleted + result.deleted_unreached}: {result.deleted} after a delivered notice, "
        f"{result.deleted_unreached} not reached in {longest} days"
    )


@keys_app.command("new")
def keys_new() -> None:
    """Print a new encryption key (for INNERCHILD_ENCRYPTION_KEY)."""
    from .storage import new_key

    typer.echo(new_key())


@keys_app.command("rotate")
def keys_rotate(db: Annotated[Optional[str], typer.Option(help="Database URL.")] = None) -> None:
    """Re-encrypt everything under the first key of INNERCHILD_ENCRYPTION_KEY."""
    from .storage import KeyMismatch
    from .storage.rotate import rotate_all

    runtime = runtime_or_exit(settings_or_exit(database_url=db))
    try:
        count = rotate_all(runtime.database)
    except KeyMismatch as exc:
        fail(str(exc))
    finally:
        runtime.database.dispose()
    typer.echo(f"re-encrypted {count} value(s) under the first key")


def main() -> None:
    private_umask()  # before anything is written: files 0600, folders 0700 (``private_files``)
    starting()  # the garbage collector waits until start-up is done (``entry.started``)
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - whatever escaped a command: one line, never its text
        unexpected(exc)


if __name__ == "__main__":
    main()
