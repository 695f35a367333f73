"""``catalog sync --dry-run`` lists what a sync would create, change and withdraw and writes nothing; a
real sync then does exactly that, and its counts say what happened to the rows."""

from dataclasses import replace
from decimal import Decimal

from helpers import plugin_folder
from sqlalchemy import func, select, text

from welfare_plans.catalog import get_contributions, set_contributions, sync_catalog
from welfare_plans.db import db_session
from welfare_plans.models import CatalogProvider, CatalogService, CatalogState, ServiceArea


def stored(app) -> dict:
    """Every catalog row as stored (by kind and key), the search index's size and the sync's state."""
    with app.app_context():
        session = db_session()
        rows = {
            kind: {key: tuple(row) for key, *row in session.execute(
                select(key_column, model.id, model.plugin, model.content_hash, model.synced_at, model.withdrawn_at))}
            for kind, model, key_column in (("providers", CatalogProvider, CatalogProvider.key),
                                            ("services", CatalogService, CatalogService.code))
        }  # fmt: skip
        rows["areas"] = session.scalar(select(func.count()).select_from(ServiceArea))
        rows["index"] = session.scalar(text("SELECT count(*) FROM service_search"))
        state = session.get(CatalogState, 1)
        rows["state"] = (state.active_services, state.synced_at)
        return rows


def what_happened(before: dict, after: dict) -> dict:
    """Keys by what a sync did to their rows, read from the rows themselves."""
    happened = {"created": [], "updated": [], "restored": [], "withdrawn": [], "unchanged": []}
    for key, row in after.items():
        old = before.get(key)
        if old is None:
            happened["created"].append(key)
        elif old[4] is not None and row[4] is None:
            happened["restored"].append(key)
        elif old[4] is None and row[4] is not None:
            happened["withdrawn"].append(key)
        elif old[2] != row[2]:
            happened["updated"].append(key)
        else:
            happened["unchanged"].append(key)
    return {action: sorted(keys) for action, keys in happened.items()}


def test_a_dry_run_lists_every_change_writes_nothing_and_the_real_sync_does_just_that(
    app, make_app, tmp_path
):
    everything = get_contributions(app)
    without_camp = replace(everything, service_types=dict(everything.service_types))
    del without_camp.service_types["girotondo.summer-camp"]
    with app.app_context():
        sync_catalog(db_session(), without_camp)  # the summer camp is withdrawn: the next sync restores it

    changed = make_app(
        PLUGINS_DIR=plugin_folder(tmp_path, "fourth_provider"), PLUGINS_BLOCKED=["sms-pinerolese"]
    )
    contributions = get_contributions(changed)
    plugin, home_care = contributions.service_types["il-sentiero.home-care"]
    dearer = {
        **contributions.service_types,
        "il-sentiero.home-care": (plugin, replace(home_care, price=Decimal("26"))),
    }
    set_contributions(changed, replace(contributions, service_types=dearer))

    before = stored(changed)
    result = changed.test_cli_runner().invoke(args=["catalog", "sync", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert stored(changed) == before  # nothing written: rows, places, index, state
    lines = result.output.splitlines()
    assert lines[0] == "dry run: nothing was written"
    assert "providers: 1 created, 0 updated, 0 restored, 1 withdrawn, 2 unchanged" in lines
    assert "services: 1 created, 1 updated, 1 restored, 5 withdrawn, 8 unchanged" in lines
    for line in ("  created   val-chisone", "  withdrawn sms-pinerolese", "  created   val-chisone.swimming-course",
                 "  updated   il-sentiero.home-care", "  restored  girotondo.summer-camp",
                 "  withdrawn sms-pinerolese.ltc-cover"):  # fmt: skip
        assert line in lines

    with changed.app_context():
        dry = sync_catalog(db_session(), get_contributions(changed), dry_run=True)
        real = sync_catalog(db_session(), get_contributions(changed))
    after = stored(changed)
    assert (dry.providers, dry.services, dry.names) == (real.providers, real.services, real.names)
    assert not dry.problems and not real.problems
    for kind, counts in (("providers", real.providers), ("services", real.services)):
        happened = what_happened(before[kind], after[kind])
        assert {action: sorted(keys) for action, keys in real.names[kind].items()} == {
            action: keys for action, keys in happened.items() if action != "unchanged"
        }
        assert counts.unchanged == len(happened["unchanged"])
    assert after["state"][0] == after["index"] == 11  # 15 - 5 withdrawn + 1 new

    with changed.app_context():
        assert not sync_catalog(db_session(), get_contributions(changed), dry_run=True).changed
