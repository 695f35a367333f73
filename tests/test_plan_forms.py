"""The new-plan form proposes the year of the day it is shown, not of the day the app server started."""

import re
from datetime import date

from helpers import login, make_firm, make_member

from welfare_plans.db import db_session
from welfare_plans.web import plan_forms


class NewYearsDay2031(date):
    """The calendar of a server started in an earlier year and still running on 2 January 2031."""

    @classmethod
    def today(cls):
        return cls(2031, 1, 2)


def test_the_new_plan_form_proposes_this_year_on_a_server_started_last_year(app, client, monkeypatch):
    with app.app_context():
        firm = make_firm(db_session(), "Tessitura Pellice S.p.A.", "05987650016")
        hr = make_member(db_session(), firm, "hr@tessitura.example")
        firm_id = firm.id
    login(client, hr["email"], hr["password"])
    assert date.today().year != 2031  # the app was built, and its modules imported, before "today"

    monkeypatch.setattr(plan_forms, "date", NewYearsDay2031)
    html = client.get(f"/plans/new?firm={firm_id}").get_data(as_text=True)

    assert re.search(r'<input[^>]*name="fiscal_year"[^>]*value="2031"', html)
