"""The Alembic migrations describe exactly the models, have one head, and go down and up again."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from welfare_plans import schema
from welfare_plans.db import Base, get_db


def test_there_is_a_single_migration_head():
    assert len(ScriptDirectory(str(schema.MIGRATIONS)).get_heads()) == 1


def test_the_migrated_schema_matches_the_models(app):
    import warnings

    with get_db(app).engine.connect() as connection, warnings.catch_warnings():
        # SQLite's reflection cannot read the expression index on English names (it is left out anyway)
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": schema.include_object}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_and_upgrade_again(app):
    engine = get_db(app).engine
    schema.downgrade(app, "base")
    assert schema.current_revisions(engine) == set()
    schema.upgrade(app)
    assert schema.is_current(engine)
    assert app.test_cli_runner().invoke(args=["catalog", "sync"]).exit_code == 0


def test_a_downgrade_and_upgrade_keep_every_plan_whole(app):
    """SQLite batch migrations rebuild tables; no child row may be lost on the way."""
    from sqlalchemy import func, select

    from welfare_plans.db import db_session
    from welfare_plans.demo import load_demo
    from welfare_plans.models import Plan, PlanCategory, PlanFunding, PlanItem, PlanPartner

    tables = (PlanCategory, PlanFunding, PlanItem, PlanPartner)

    def counts():  # firms' own plans: joint plans of networks cannot exist below revision 0006
        firm_plans = select(Plan.id).where(Plan.firm_id.is_not(None))
        session = db_session()
        return {"Plan": session.scalar(select(func.count()).select_from(firm_plans.subquery())),
                **{table.__name__: session.scalar(select(func.count()).where(table.plan_id.in_(firm_plans)))
                   for table in tables}}  # fmt: skip

    with app.app_context():
        load_demo(app)
        before = counts()
        assert (
            db_session().scalar(select(func.count()).select_from(Plan).where(Plan.network_id.is_not(None)))
            == 1
        )
    assert all(before.values())
    engine = get_db(app).engine
    engine.dispose()
    schema.downgrade(app, "0002")
    schema.upgrade(app)
    with app.app_context():
        assert counts() == before
        assert (
            db_session().scalar(select(func.count()).select_from(Plan)) == before["Plan"]
        )  # the joint one went


def test_jobs_from_before_units_keep_their_documents_and_unfinished_ones_can_be_retried(app):
    """Revision 0007 turns a job's list of results into unit rows and stops jobs that were under way."""
    import json
    from datetime import datetime

    from sqlalchemy import text

    engine = get_db(app).engine
    engine.dispose()
    schema.downgrade(app, "0006")
    insert = text(
        "INSERT INTO job (id, kind, key, params, status, progress, total, results, attempts, created_at) "
        "VALUES (:id, 'render_documents', :id, :params, :status, :progress, 2, :results, 1, :at)"
    )
    finished = [
        {"unit": json.dumps([1, "it"]), "plan_id": 1, "language": "it", "title": "Piano", "file": "a.pdf"}
    ]
    with engine.begin() as connection:
        for job_id, status, results in (("d" * 32, "done", finished), ("r" * 32, "running", [])):
            connection.execute(insert, {"id": job_id, "params": json.dumps({"plan_ids": [1]}), "status": status,
                                        "progress": len(results), "results": json.dumps(results),
                                        "at": datetime(2026, 11, 1)})  # fmt: skip
    schema.upgrade(app)
    from welfare_plans.db import db_session
    from welfare_plans.models import Job

    with app.app_context():
        done = db_session().get(Job, "d" * 32)
        assert done.results == [{"unit": json.dumps([1, "it"]), "plan_id": 1, "language": "it", "title": "Piano",
                                 "file": "a.pdf"}]  # fmt: skip
        stopped = db_session().get(Job, "r" * 32)
        assert stopped.status == "failed" and "try again" in stopped.error and stopped.units == []
    schema.downgrade(app, "0006")  # and back: the results return to their column
    with engine.connect() as connection:
        value = connection.execute(text("SELECT results FROM job WHERE id = :id"), {"id": "d" * 32}).scalar()
    assert (json.loads(value) if isinstance(value, str) else value)[0]["file"] == "a.pdf"  # text on SQLite
    schema.upgrade(app)


def test_the_search_index_survives_a_downgrade_and_upgrade_without_a_sync(app):
    """Revision 0009 moves PostgreSQL's indexed words to a table of their own; the entries are moved
    both ways, so searches keep finding services in between without a catalog sync."""
    from welfare_plans.catalog import CatalogQuery, search_services
    from welfare_plans.db import db_session

    def found(**query) -> set[str]:
        with app.app_context():
            page = search_services(db_session(), CatalogQuery(**query), per_page=100)
            return {service.code for service in page.items}

    before = (
        found(text="estivo"),
        found(need_area="childcare_education"),
        found(text="nido", need_area="childcare_education"),
    )
    assert all(before)
    get_db(app).engine.dispose()
    schema.downgrade(app, "0008")
    schema.upgrade(app)
    get_db(app).engine.dispose()
    assert (
        found(text="estivo"),
        found(need_area="childcare_education"),
        found(text="nido", need_area="childcare_education"),
    ) == before
