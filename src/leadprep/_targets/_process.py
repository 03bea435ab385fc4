"""The file flow: the leadloader batches plus DIR/process/leads.csv and process-request.json
whose column indexes point into it (SPEC section 4.3)."""

from __future__ import annotations

from pathlib import Path

from leadprep._emit import BATCH_DIR, PROCESS_DIR, write_process
from leadprep._targets._base import EmitInput, Target, Written
from leadprep._targets._leadloader import LeadloaderTarget


class ProcessTarget(Target):
    name = "process"
    outputs = (BATCH_DIR, PROCESS_DIR)

    def write(self, stage: Path, data: EmitInput) -> Written:
        batches = LeadloaderTarget().write(stage, data)
        write_process(stage / PROCESS_DIR, data.validated, data.leads, data.config,
                      data.description)
        return Written(batches.files, batches.batches,
                       after=(f"{PROCESS_DIR}/leads.csv", f"{PROCESS_DIR}/process-request.json"))
