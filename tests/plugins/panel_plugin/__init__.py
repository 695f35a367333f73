"""A plugin with a template of its own, adding a panel to every plan's overview (not to its review)."""

from welfare_plans import PagePanel, hookimpl, need_area_label, render_markup

template_folder = "templates"


@hookimpl
def plan_page_panels(plan, page, language):
    if page != "overview":
        return []
    areas = sorted({need_area_label(item.need_area) for item in plan.basket})
    title = "Canteen <hours> & more" if language == "en" else "Mensa <orari> e altro"
    html = render_markup("panel_plugin/panel.html", plan=plan, areas=areas, language=language)
    return [PagePanel(key="canteen", title=title, html=html, position=50)]
