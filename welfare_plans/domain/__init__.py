"""Pure domain logic: no Flask, no SQLAlchemy."""


def N_(message: str) -> str:
    """Mark a message for translation without translating it here.

    The domain layer knows no locale; the web layer and the CLI translate the message with gettext
    when they show it. ``pybabel extract`` collects strings marked with ``N_``.
    """
    return message


def format_message(template: str, params: dict, gettext=None) -> str:
    """A message template, translated when ``gettext`` is given, filled in with ``params``."""
    text = gettext(template) if gettext else template
    return text % params if params else text
