"""Hooks called as pluggy calls them, each implementation isolated from the others for one call.

pluggy decides the order (``tryfirst``, ``trylast``, the plugin registered last first), runs wrappers
(``wrapper=True`` and old-style ``hookwrapper=True``) around the other implementations and stops a
``firstresult`` hook at the first answer. :func:`isolate` changes none of that: it wraps the function of
one implementation so that an exception it raises is caught, handed to a reporter and the implementation
skipped for that call only. A skipped implementation returns None, which pluggy leaves out of the results
(a ``firstresult`` hook then asks the next one); a skipped wrapper lets the call through unchanged.

:func:`call_by_plugin` makes one call and says which plugin gave each result, and which plugins raised.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from pluggy import HookCaller, HookImpl, PluginManager

ErrorReporter = Callable[[str, str, Exception], None]
"""Told of every exception an implementation raises: the plugin's name, the hook's name, the error."""

_ISOLATED = "_welfare_plans_isolated"


class HookResults(dict):
    """The results of one hook call by plugin name, in the order pluggy gave them.

    ``raised`` names the plugins whose implementation raised during the call (and was skipped).
    :meth:`origin` says which plugin made an item of a list result, whatever wrappers did to the lists."""

    def __init__(self, raised: tuple[str, ...] = (), answers: tuple[tuple[str, Any], ...] = ()) -> None:
        super().__init__()
        self.raised = raised
        self._answers = answers  # kept alive, so the ids below stay theirs
        self._origins: dict[int, str] = {}
        for plugin, answer in answers:  # the implementations' answers first, then what wrappers made
            for item in answer if isinstance(answer, list | tuple) else ():
                self._origins.setdefault(id(item), plugin)

    def origin(self, item: Any, default: str) -> str:
        """The plugin whose implementation put ``item`` in its list; ``default`` (the plugin the list came
        from) for an item no implementation made. A wrapper that filters or reorders the items of other
        plugins leaves them theirs; an item it makes is its own."""
        return self._origins.get(id(item), default)


@dataclass
class _Call:
    """What the implementations of ``hook`` answered, and who raised, during one call."""

    hook: str
    answers: list[tuple[str, Any]] = field(default_factory=list)
    raised: list[str] = field(default_factory=list)


_current_call: ContextVar[_Call | None] = ContextVar("welfare_plans_hook_call", default=None)


def _in_call(hook: str) -> _Call | None:
    call = _current_call.get()
    return call if call is not None and call.hook == hook else None


def isolate(impl: HookImpl, hook: str, firstresult: bool, report: ErrorReporter) -> None:
    """Make ``impl`` (an implementation of ``hook``) skip itself for one call when it raises.

    The function pluggy calls is replaced by one that calls it; pluggy's order, its wrappers and
    ``firstresult`` are untouched. Isolating an implementation twice changes nothing."""
    if getattr(impl.function, _ISOLATED, False):
        return
    if impl.wrapper:
        isolated = _isolated_wrapper(impl.function, impl.plugin_name, hook, firstresult, report)
    elif impl.hookwrapper:
        isolated = _isolated_old_style_wrapper(impl.function, impl.plugin_name, hook, firstresult, report)
    else:
        isolated = _isolated_implementation(impl.function, impl.plugin_name, hook, report)
    setattr(isolated, _ISOLATED, True)
    impl.function = isolated  # type: ignore[misc]  # pluggy calls impl.function; its argnames stay


def isolate_plugin(manager: PluginManager, plugin: object, report: ErrorReporter) -> None:
    """Isolate every implementation ``plugin`` registered with ``manager`` (see :func:`isolate`)."""
    for caller in manager.get_hookcallers(plugin) or []:
        firstresult = bool(caller.spec and caller.spec.opts.get("firstresult"))
        for impl in caller.get_hookimpls():
            if impl.plugin is plugin:
                isolate(impl, caller.name, firstresult, report)


def _failed(plugin: str, hook: str, error: Exception, report: ErrorReporter) -> None:
    call = _in_call(hook)
    if call is not None:
        call.raised.append(plugin)
    report(plugin, hook, error)


def _isolated_implementation(function: Callable, plugin: str, hook: str, report: ErrorReporter) -> Callable:
    @functools.wraps(function)
    def isolated(*args: Any, **kwargs: Any) -> Any:
        try:
            result = function(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - third-party code: reported, skipped for this call
            _failed(plugin, hook, error, report)
            return None
        call = _in_call(hook)
        if call is not None and result is not None:
            call.answers.append((plugin, result))
        return result

    return isolated


def _claim_additions(plugin: str, hook: str, firstresult: bool, received: Any, returned: Any) -> None:
    """The results a wrapper handed back that it did not receive are its own."""
    call = _in_call(hook)
    if call is None or returned is received:
        return
    before = [received] if firstresult else list(received or ())
    after = [returned] if firstresult else list(returned or ())
    for result in after:
        if result is not None and not any(result is earlier for earlier in before):
            call.answers.append((plugin, result))


def _isolated_wrapper(
    function: Callable, plugin: str, hook: str, firstresult: bool, report: ErrorReporter
) -> Callable:
    def isolated(*args: Any, **kwargs: Any) -> Generator[None, Any, Any]:
        try:
            teardown = function(*args, **kwargs)
            next(teardown)
        except Exception as error:  # noqa: BLE001 - includes a wrapper that never yields (StopIteration)
            _failed(plugin, hook, error, report)
            return (yield)  # skipped: the call goes through as if it were not there
        try:
            received = yield
        except BaseException as exception:  # what isolation lets through: the wrapper sees it, as in pluggy
            try:
                teardown.throw(exception)
            except StopIteration as stop:
                return stop.value
            teardown.close()
            raise
        try:
            teardown.send(received)
        except StopIteration as stop:
            _claim_additions(plugin, hook, firstresult, received, stop.value)
            return stop.value
        except Exception as error:  # noqa: BLE001
            _failed(plugin, hook, error, report)
            return received
        teardown.close()
        _failed(plugin, hook, RuntimeError("the wrapper yielded more than once"), report)
        return received

    functools.update_wrapper(isolated, function)
    return isolated


def _isolated_old_style_wrapper(
    function: Callable, plugin: str, hook: str, firstresult: bool, report: ErrorReporter
) -> Callable:
    def isolated(*args: Any, **kwargs: Any) -> Generator[None, Any, None]:
        try:
            teardown = function(*args, **kwargs)
            next(teardown)
        except Exception as error:  # noqa: BLE001
            _failed(plugin, hook, error, report)
            yield
            return
        outcome = yield
        received = outcome.get_result() if outcome.excinfo is None else None
        try:
            teardown.send(outcome)
        except StopIteration:
            if outcome.excinfo is None:
                _claim_additions(plugin, hook, firstresult, received, outcome.get_result())
            return
        except Exception as error:  # noqa: BLE001
            _failed(plugin, hook, error, report)
        else:
            teardown.close()
            _failed(plugin, hook, RuntimeError("the wrapper yielded more than once"), report)
        if outcome.excinfo is None:
            outcome.force_result(received)  # skipped: whatever it changed is undone

    functools.update_wrapper(isolated, function)
    return isolated


def call_by_plugin(caller: HookCaller, **kwargs: Any) -> HookResults:
    """Call the hook of ``caller`` through pluggy and return its results by the plugin that gave each.

    What the wrappers kept is what counts: a result a wrapper left out is not returned, one it put in (or
    made anew from another's) is its own; :meth:`HookResults.origin` finds who made each item of a list.
    Several lists of one plugin are joined. A plugin with no result (None, or it raised) is left out."""
    call = _Call(caller.name)
    token = _current_call.set(call)
    try:
        outcome = caller(**kwargs)
    finally:
        _current_call.reset(token)
    firstresult = bool(caller.spec and caller.spec.opts.get("firstresult"))
    results = ([] if outcome is None else [outcome]) if firstresult else list(outcome)
    by_plugin = HookResults(tuple(dict.fromkeys(call.raised)), tuple(call.answers))
    unclaimed = list(call.answers)
    for result in results:
        for index, (plugin, answer) in enumerate(unclaimed):
            if answer is result:
                earlier = by_plugin.get(plugin)
                if earlier is None:
                    by_plugin[plugin] = result
                elif isinstance(earlier, list | tuple) and isinstance(result, list | tuple):
                    by_plugin[plugin] = [*earlier, *result]  # a wrapper that kept lists and added its own
                del unclaimed[index]
                break
    return by_plugin
