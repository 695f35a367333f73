"""The Alembic migrations describe exactly the models, have one head, and go down and up again."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from welfare_plans import schema
from welfare_plans.db import Base, get_db


def test_there_is_a_single_migration_head():
    assert len(ScriptDirectory(str(schema.MIGRATIONS)).get_heads()) == 1


def test_the_migrated_schema_matches_the_models(app):
    with get_db(app).engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
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

    tables = (Plan, PlanCategory, PlanFunding, PlanItem, PlanPartner)
    with app.app_context():
        load_demo(app)
        before = {
            table.__name__: db_session().scalar(select(func.count()).select_from(table)) for table in tables
        }
    assert all(before.values())
    engine = get_db(app).engine
    engine.dispose()
    schema.downgrade(app, "0002")
    schema.upgrade(app)
    with app.app_context():
        after = {
            table.__name__: db_session().scalar(select(func.count()).select_from(table)) for table in tables
        }
    assert after == before
