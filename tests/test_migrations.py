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
