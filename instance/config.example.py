"""Example deployment configuration for welfare-plans.

Copy this file to ``instance/config.py`` and adjust it. Every key can also be set with an
environment variable prefixed with ``WELFARE_`` (``WELFARE_DATABASE_URL``, ``WELFARE_SECRET_KEY``...);
values of environment variables are parsed as JSON when they can be (``WELFARE_PLUGINS_BLOCKED='["x"]'``).
"""

# A long random string. When unset, one is generated once and kept in instance/secret_key.
# Set it explicitly when several app servers share sessions.
# SECRET_KEY = "change-me"

# SQLite in instance/ is the default; PostgreSQL is the production database.
# DATABASE_URL = "postgresql://welfare@db.example.internal:5432/welfare"

# Plugins: block some by name, or allow only a list of installed and local plugins.
# PLUGINS_BLOCKED = ["some-plugin"]
# PLUGINS_ALLOWED = ["welfare-plans-coop-il-sentiero", "welfare-plans-sms-pinerolese"]

# A folder of local plugins (single .py files or packages). Defaults to instance/plugins.
# PLUGINS_DIR = "/srv/welfare-plans/plugins"

# Refuse to start when a plugin fails to load or returns invalid data (on in tests and CI).
# PLUGINS_STRICT = True

# Sync what plugins contribute into the catalog when a server starts serving (flask commands never do).
# CATALOG_SYNC_ON_STARTUP = True
