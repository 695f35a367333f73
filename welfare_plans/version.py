"""The installed distribution's version, for the plugin contract and the document cache key."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("welfare-plans")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"
