"""The emit stage's targets: what `--format NAME` writes from the accepted leads.

A target is one module holding one `Target` subclass; it joins the product with one line in
TARGETS below. emit() (in _emit) writes rejects.csv, warnings.csv and summary.json for every
target, and publishes the names the target lists in `outputs` atomically.
"""

from __future__ import annotations

from leadprep._errors import ConfigError
from leadprep._targets._base import EmitInput, Target, Written
from leadprep._targets._contacts import ContactsTarget
from leadprep._targets._jaicp import JaicpTarget
from leadprep._targets._leadloader import LeadloaderTarget
from leadprep._targets._process import ProcessTarget

TARGETS: dict[str, Target] = {
    "leadloader": LeadloaderTarget(),
    "process": ProcessTarget(),
    "jaicp": JaicpTarget(),
    "contacts": ContactsTarget(),
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
