"""The emit stage's targets: what `--format NAME` writes from the accepted leads.

A target is one module holding one `Target` subclass; it joins the product with one line in
TARGETS below. emit() (in _emit) writes rejects.csv, warnings.csv and summary.json for every
target, and publishes the names the target lists in `outputs` atomically.
"""

from __future__ import annotations

import importlib

from leadprep._errors import ConfigError
from leadprep._targets._base import EmitInput, Target, Written


def _target(module: str, name: str) -> Target:
    """An instance of class `name` of module leadprep._targets.`module`."""
    target: Target = getattr(importlib.import_module(f"leadprep._targets.{module}"), name)()
    return target


TARGETS: dict[str, Target] = {
    "leadloader": _target("_leadloader", "LeadloaderTarget"),
    "process": _target("_process", "ProcessTarget"),
    "jaicp": _target("_jaicp", "JaicpTarget"),
    "contacts": _target("_contacts", "ContactsTarget"),
}


def get_target(name: str) -> Target:
    """The target `--format name` selects; a ConfigError listing them for any other name."""
    try:
        return TARGETS[name]
    except KeyError:
        raise ConfigError(f"--format {name!r} must be one of {', '.join(TARGETS)}") from None


# Names other commands publish into an output directory (`leadprep actions`): moved aside by
# every target's run, as the targets' are.
COMMAND_OUTPUTS: tuple[str, ...] = ("actions",)


def owned_outputs() -> frozenset[str]:
    """Every name under the output directory some target or command writes (moved aside by
    the others)."""
    return frozenset([*(name for target in TARGETS.values() for name in target.outputs),
                      *COMMAND_OUTPUTS])


__all__ = ["TARGETS", "EmitInput", "Target", "Written", "get_target", "owned_outputs"]
