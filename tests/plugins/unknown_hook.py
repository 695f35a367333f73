"""A plugin with a misspelt hook name."""

from welfare_plans import hookimpl


@hookimpl
def register_service_type():
    return []
