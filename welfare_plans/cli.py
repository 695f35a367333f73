"""``flask --app welfare_plans ...`` commands."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from . import schema
from .catalog import TransferError, owned_providers, sync_contributions, transfer
from .db import db_session, get_db
from .domain.territory import Municipality, find_places, istat_code
from .plugins import get_plugins

db_cli = AppGroup("db", help="Create or upgrade the database schema.")
catalog_cli = AppGroup("catalog", help="The provider catalog.")
plugins_cli = AppGroup("plugins", help="Installed plugins.")
users_cli = AppGroup("users", help="User accounts.")
plans_cli = AppGroup("plans", help="Welfare plans and their documents.")
demo_cli = AppGroup("demo", help="Demonstration data.")
places_cli = AppGroup("places", help="Italian municipalities and provinces (ISTAT codes).")


@db_cli.command("upgrade")
@click.argument("revision", default="heads")
def db_upgrade(revision: str) -> None:
    """Create the schema, or upgrade it to REVISION (the newest by default)."""
    schema.upgrade(current_app, revision)
    click.echo(f"database at {', '.join(sorted(schema.current_revisions(get_db().engine))) or 'base'}")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION ("base" removes every table)."""
    schema.downgrade(current_app, revision)
    click.echo(f"database at {', '.join(sorted(schema.current_revisions(get_db().engine))) or 'base'}")


@db_cli.command("current")
def db_current() -> None:
    """Show the schema revision of the database and whether it is the newest."""
    current = schema.current_revisions(get_db().engine)
    state = "up to date" if current == schema.head_revisions() else "needs 'db upgrade'"
    click.echo(f"{', '.join(sorted(current)) or 'base'} ({state})")


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
def db_revision(message: str) -> None:
    """Write a new migration from the difference between the models and the database (maintainers)."""
    from alembic import command

    command.revision(schema.alembic_config(get_db().engine), message=message, autogenerate=True)


def _require_current_schema() -> None:
    if not schema.is_current(get_db().engine):
        raise click.ClickException(
            "the database schema is not up to date: run 'flask --app welfare_plans db upgrade'"
        )


@catalog_cli.command("sync")
@click.option(
    "--dry-run", is_flag=True, help="List what would be created, changed and withdrawn; write nothing."
)
def catalog_sync(dry_run: bool) -> None:
    """Copy what plugins contribute into the catalog; withdrawn services are marked, not deleted."""
    _require_current_schema()
    report = sync_contributions(current_app, db_session(), dry_run=dry_run)
    if dry_run:
        click.echo("dry run: nothing was written")
    for kind, counts in (("providers", report.providers), ("services", report.services)):
        click.echo(
            f"{kind}: {counts.created} created, {counts.updated} updated, {counts.restored} restored, "
            f"{counts.withdrawn} withdrawn, {counts.unchanged} unchanged"
        )
        if dry_run:
            for action, names in report.names[kind].items():
                for name in names:
                    click.echo(f"  {action:<9} {name}")
    problems = get_plugins(current_app).problems
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)


@catalog_cli.command("transfer")
@click.argument("provider_key")
@click.argument("to_plugin")
def catalog_transfer(provider_key: str, to_plugin: str) -> None:
    """Hand the provider PROVIDER_KEY and its services to the plugin TO_PLUGIN.

    For a provider that moves to another package: the names stay the provider's, the plans pointing to
    its services are not touched, and the next sync takes what TO_PLUGIN contributes under them.
    """
    _require_current_schema()
    try:
        done = transfer(db_session(), provider_key, to_plugin)
    except TransferError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"provider {done.provider_key} and its {done.services} services now belong to plugin "
        f"{done.to_plugin} (they belonged to {done.from_plugin})"
    )
    record = get_plugins(current_app).records.get(done.to_plugin)
    if record is None or record.status not in ("active", "degraded"):
        click.echo(
            f"note: plugin {done.to_plugin} is not loaded here; install it before the next sync", err=True
        )
    click.echo("run 'flask --app welfare_plans catalog sync' to take what it contributes")


@catalog_cli.command("owners")
def catalog_owners() -> None:
    """Show every provider key with the plugin that owns it and its services, and its last transfer."""
    for owned in owned_providers(db_session()):
        line = f"{owned.key}  {owned.plugin}  {owned.services} services"
        if owned.withdrawn:
            line += "  (withdrawn)"
        if owned.last_transfer is not None:
            moved = owned.last_transfer
            line += f"  (from {moved.from_plugin} on {moved.transferred_at:%Y-%m-%d})"
        click.echo(line)


@plugins_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def plugins_list(as_json: bool) -> None:
    """Show every plugin with its version, source, hooks and status, failures included."""
    records = get_plugins(current_app).list()
    if as_json:
        click.echo(json.dumps([record.to_dict() for record in records], indent=2, ensure_ascii=False))
        return
    rows = [("NAME", "VERSION", "SOURCE", "STATUS", "HOOKS")] + [
        (r.name, r.version or "-", r.source, r.status, ", ".join(r.hooks) or "-") for r in records
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[4]
        )
    for record in records:
        for problem in record.problems:
            click.echo(f"{record.name}: {problem.field + ': ' if problem.field else ''}{problem.render()}")


@plugins_cli.command("new")
@click.argument("name")
@click.option(
    "--directory",
    "-d",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Where to write the package's folder.",
)
@click.option("--provider-name", help="The sample provider's name (default: from NAME).")
@click.option(
    "--place",
    default="Pinerolo",
    show_default=True,
    help="The provider's municipality: a name or an ISTAT code.",
)
def plugins_new(name: str, directory: Path, provider_name: str | None, place: str) -> None:
    """Write welfare-plans-NAME/: an installable plugin package with a provider, a service, a document
    section and tests that pass as written."""
    from .provider_kit import ScaffoldError, new_plugin

    try:
        municipality = istat_code(place)
        created = new_plugin(name, directory, provider_name=provider_name, municipality=municipality)
    except (LookupError, ScaffoldError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"wrote {created.folder}/ ({len(created.files)} files): the plugin {created.name}")
    click.echo(f"next: cd {created.folder} && pip install -e '.[test]' && pytest")


@plugins_cli.command("check")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def plugins_check(path: Path) -> None:
    """Validate the plugin at PATH, not installed: a package folder, a .py file or a .toml data file.

    The catalog's own checks and messages; the exit status is 1 when there is any problem."""
    from .provider_kit import check_path

    plugins_log = logging.getLogger("welfare_plans.plugins")
    level = plugins_log.level
    plugins_log.setLevel(logging.CRITICAL)  # the report below says it all, once
    try:
        reports = check_path(path)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    finally:
        plugins_log.setLevel(level)
    failed = False
    for report in reports:
        click.echo(
            f"{report.name} ({report.location}): accepted {report.providers} provider(s), "
            f"{report.services} service(s), {report.need_areas} need area(s)"
        )
        for problem in report.problems:
            click.echo(f"  {problem.field + ': ' if problem.field else ''}{problem.render()}")
        failed = failed or bool(report.problems)
    click.echo("problems found" if failed else "no problems")
    if failed:
        raise SystemExit(1)


@places_cli.command("find")
@click.argument("text", nargs=-1, required=True)
def places_find(text: tuple[str, ...]) -> None:
    """The ISTAT codes of the municipalities and provinces TEXT names ("Pinerolo", "Provincia di Cuneo",
    or part of a name), for a plugin's municipality and territory."""
    places = find_places(" ".join(text))
    if not places:
        raise click.ClickException(f"no Italian municipality or province is called {' '.join(text)!r}")
    for place in places:
        kind = "municipality" if isinstance(place, Municipality) else "province"
        click.echo(f"{place.code:<7} {kind:<13} {place.label}")


@plans_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def plans_list(as_json: bool) -> None:
    """Every plan: id, firm (or network, for a joint plan), title, fiscal year, status and version."""
    from sqlalchemy import select

    from .models import Plan

    rows = [
        {"id": p.id, "firm": p.firm.legal_name if p.firm else None, "network": p.network.name if p.network else None,
         "title": p.title, "year": p.fiscal_year, "status": p.status, "version": p.version}
        for p in db_session().scalars(select(Plan).order_by(Plan.id))
    ]  # fmt: skip
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        click.echo(
            f"{row['id']:>5}  {row['year']}  v{row['version']:<3} {row['status']:<9} {row['firm'] or row['network']} – {row['title']}"
        )


@plans_cli.command("render")
@click.argument("plan_id", type=int)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True), required=True, help="The PDF to write."
)
@click.option("--lang", type=click.Choice(["it", "en"]), default="it", show_default=True)
@click.option("--accessible", is_flag=True, help="Tagged PDF/UA-1 instead of archival PDF/A-3u.")
@click.option("--no-cache", is_flag=True, help="Render afresh and replace the cached file.")
def plans_render(plan_id: int, output: str, lang: str, accessible: bool, no_cache: bool) -> None:
    """Write the document of plan PLAN_ID to a file (cached renders are reused unless --no-cache)."""
    import shutil

    from . import documents
    from .models import Plan
    from .plans import to_domain

    plan = db_session().get(Plan, plan_id)
    if plan is None:
        raise click.ClickException(f"there is no plan {plan_id}")
    variant = "pdf/ua-1" if accessible else "pdf/a-3u"
    path = documents.cached_document(
        current_app._get_current_object(), to_domain(plan), lang, variant, refresh=no_cache
    )
    shutil.copyfile(path, output)
    click.echo(f"wrote {output} ({path.stat().st_size // 1024} KiB)")


@plans_cli.command("render-all")
@click.option("--firm", "firm_id", type=int, help="Only this firm's plans.")
@click.option(
    "--lang", "languages", type=click.Choice(["it", "en"]), multiple=True, help="Repeat for several."
)
def plans_render_all(firm_id: int | None, languages: tuple[str, ...]) -> None:
    """Prepare the documents of every plan that is not archived, showing progress."""
    from sqlalchemy import select

    from . import jobs
    from .models import Plan

    query = select(Plan.id).where(Plan.status != "archived").order_by(Plan.id)
    if firm_id:
        query = query.where(Plan.firm_id == firm_id)
    params = {"plan_ids": list(db_session().scalars(query)), "languages": list(languages or ("it",))}
    app = current_app._get_current_object()
    # recorded like any job, but run here, in this process, so the progress bar follows the work itself
    job, _new = jobs.create(app, "render_documents", params)
    with click.progressbar(length=job.total, label="rendering documents") as bar:
        jobs.run_job(app, job.id, on_progress=lambda _job: bar.update(1))
    click.echo(f"{job.total} documents ready in {app.config['DOCUMENTS_DIR']}")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--admin", is_flag=True, help="A platform administrator.")
@click.password_option(help="Asked for when not given; at least 10 characters, not easy to guess.")
def users_create(email: str, name: str, admin: bool, password: str) -> None:
    """Create an account; the first one is usually the platform administrator (--admin)."""
    from .accounts import AccountError, create_user, password_problem

    problem = password_problem(password, user_inputs=(email, name))
    if problem and len(password) >= 10:  # the length is create_user's to say
        raise click.ClickException(problem)
    try:
        user = create_user(db_session(), email=email, name=name, password=password, admin=admin)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"created {'administrator' if user.is_platform_admin else 'user'} {user.email}")


@demo_cli.command("load")
def demo_load() -> None:
    """Load demonstration data; running it again changes nothing."""
    from .demo import load_demo

    if not schema.is_current(get_db().engine):
        raise click.ClickException(
            "the database schema is not up to date: run 'flask --app welfare_plans db upgrade'"
        )
    summary = load_demo(current_app)
    for line in summary:
        click.echo(line)


def init_app(app: Flask) -> None:
    for group in (db_cli, catalog_cli, plugins_cli, users_cli, plans_cli, demo_cli, places_cli):
        app.cli.add_command(group)
