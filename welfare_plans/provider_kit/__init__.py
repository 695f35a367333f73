"""A provider's kit: a new plugin package to start from, and checking a plugin before it is installed.

- :func:`new_plugin` writes an installable package (``flask --app welfare_plans plugins new NAME``);
- :func:`check_path` validates a package folder, a ``.py`` plugin or a ``.toml`` data file that is not
  installed, with the catalog's own validation and messages (``plugins check PATH``);
- :func:`validate` runs one plugin's ``register_*`` hooks and the validation as the app does at start-up
  (``welfare_plans.testing.validate_plugin`` is this, for tests).
"""

from .check import CheckReport, as_plugin, check_path, validate
from .scaffold import NewPlugin, ScaffoldError, new_plugin

__all__ = [
    "CheckReport",
    "NewPlugin",
    "ScaffoldError",
    "as_plugin",
    "check_path",
    "new_plugin",
    "validate",
]
