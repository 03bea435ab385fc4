"""leadLoader/direct request bodies: DIR/batches/leadloader-NNNNN.json (SPEC section 4.3)."""

from __future__ import annotations

from pathlib import Path

from leadprep._emit import BATCH_DIR, write_leadloader_batches
from leadprep._targets._base import EmitInput, Target, Written


class LeadloaderTarget(Target):
    name = "leadloader"
    outputs = (BATCH_DIR,)
    streams = True

    def write(self, stage: Path, data: EmitInput) -> Written:
        names = write_leadloader_batches(stage, data.leads, data.config, data.description,
                                         json_safe=data.read.json_safe)
        return Written(tuple(f"{BATCH_DIR}/{name}" for name in names), len(names))
