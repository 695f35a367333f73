"""Loaded from a local plugins folder, the package directory itself is the plugin."""

from .welfare_fourth_provider import register_providers, register_service_types  # noqa: F401
