"""A plugin whose page panel raises every time a plan page asks for it."""

from welfare_plans import hookimpl


@hookimpl
def plan_page_panels(plan, page, language):
    raise RuntimeError("the canteen timetable could not be read")
