"""Named registries that users extend: by decorator, or by an installed package's entry points.

Each registry (strategies, providers, datasets) maps a name to an item. Built-in items are
added when their module is imported; a package adds its own with the registry's decorator
(`codesim.register_strategy`, ...) or by declaring an entry point in the registry's group:

    [project.entry-points."codesim.strategies"]
    my-strategy = "my_package.strategies:MyStrategy"

Entry points are read only when a name is not found among the items already registered (or
when every name is asked for), so a command that uses only built-in names never imports a
plugin. Loading an entry point imports its module (whose decorators may register items); an
entry point whose name is still unknown afterwards is registered with the object it points to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from codesim.errors import CodesimError

T = TypeVar("T")


class PluginError(CodesimError):
    """An installed plugin could not be loaded or registered what it should not."""


def _identity(name: str) -> str:
    return name


class Registry(Generic[T]):
    """Items of one kind by name (and aliases), filled by `add` and by the entry points of `group`."""

    def __init__(
        self,
        group: str,
        noun: str,
        adapt: Callable[[str, Any], T],
        normalize: Callable[[str], str] = _identity,
    ) -> None:
        self.group = group
        self.noun = noun
        self._adapt = adapt
        self._normalize = normalize
        self.items: dict[str, T] = {}  # canonical name -> item, in registration order
        self._keys: dict[str, str] = {}  # normalized name or alias -> canonical name
        self._plugins_loaded = False

    def add(self, name: str, item: T, aliases: Iterable[str] = (), *, replace: bool = False) -> T:
        """Register `item` as `name` (and `aliases`). A name taken by another item is refused
        unless `replace`."""
        keys = [self._normalize(alias) for alias in (name, *aliases)]
        for alias, key in zip((name, *aliases), keys, strict=True):
            owner = self._keys.get(key)
            if owner is not None and owner != name and not replace:
                raise ValueError(f"{self.noun} name {alias!r} is already taken by {owner!r}")
        if name in self.items and not replace and self.items[name] is not item:
            raise ValueError(f"{self.noun} {name!r} is already registered")
        self.items[name] = item
        for key in keys:
            self._keys[key] = name
        return item

    def remove(self, name: str) -> None:
        """Forget `name` and its aliases (tests, interactive sessions)."""
        self.items.pop(name, None)
        self._keys = {key: owner for key, owner in self._keys.items() if owner != name}

    def find(self, name: str) -> T | None:
        """The item registered as `name` or an alias; the installed plugins are loaded first
        when it is not yet known. None when nobody provides it."""
        canonical = self._keys.get(self._normalize(name))
        if canonical is None and not self._plugins_loaded:
            self.load_plugins()
            canonical = self._keys.get(self._normalize(name))
        return self.items.get(canonical) if canonical is not None else None

    def names(self, *, plugins: bool = True) -> list[str]:
        """The canonical names, built-in first; with `plugins`, installed plugins' too."""
        if plugins and not self._plugins_loaded:
            self.load_plugins()
        return list(self.items)

    def load_plugins(self) -> None:
        """Import every entry point of the group and register the ones still unknown."""
        from importlib import metadata  # scanning installed packages: only when a name is not built in

        self._plugins_loaded = True
        for entry in metadata.entry_points(group=self.group):
            try:
                loaded = entry.load()
            except Exception as err:  # a broken plugin must not hide the others' names
                raise PluginError(
                    f"{self.noun} plugin {entry.name!r} ({entry.value}) of the entry-point group "
                    f"{self.group!r} failed to load: {type(err).__name__}: {err}"
                ) from err
            if self._normalize(entry.name) not in self._keys:
                self.add(entry.name, self._adapt(entry.name, loaded))
