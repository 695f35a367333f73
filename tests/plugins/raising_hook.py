"""A plugin that imports fine and then raises inside a hook."""

from welfare_plans import hookimpl


@hookimpl
def register_service_types():
    raise RuntimeError("the provider's price list could not be read")
