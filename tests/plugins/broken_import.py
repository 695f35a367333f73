"""A plugin whose import fails, as when a provider's package lacks a dependency."""

import welfare_plans_dependency_that_is_not_installed  # noqa: F401
