"""The CLI imports pandera without its optional pandas, numpy and hypothesis parts (a second of
CPU when they are installed); the library leaves pandera's import alone."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from leadprep._validate import PANDERA_EXTRAS


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, check=True)
    return done.stdout.strip()


def test_lean_import_leaves_pandera_extras_unimported_and_still_validates() -> None:
    out = _run("""
        import sys
        import polars as pl
        from leadprep._validate import canonical_leads, import_pandera_lean
        import_pandera_lean()
        model = canonical_leads()
        model.validate(pl.DataFrame({"_row": [1], "_line": [2], "externId": ["a"],
                                     "leadPhone": ["x"]}))
        try:
            model.validate(pl.DataFrame({"_row": ["1"], "_line": [2], "externId": ["a"],
                                         "leadPhone": ["x"]}))
        except Exception as error:
            print(type(error).__name__)
        print(sorted(name for name in ("numpy", "pandas", "hypothesis") if name in sys.modules))
    """)
    assert out.splitlines() == ["SchemaError", "[]"]


def test_library_import_of_pandera_is_untouched() -> None:
    installed = [name for name in PANDERA_EXTRAS if _importable(name)]
    if not installed:
        pytest.skip("none of pandera's optional dependencies is installed")
    out = _run("""
        import sys
        from leadprep._validate import PANDERA_EXTRAS, canonical_leads
        canonical_leads()
        print(sorted(name for name in PANDERA_EXTRAS if name in sys.modules))
    """)
    assert out == str(sorted(installed))


def test_extras_are_hidden_only_from_the_thread_importing_pandera() -> None:
    installed = [name for name in PANDERA_EXTRAS if _importable(name)]
    if not installed:
        pytest.skip("none of pandera's optional dependencies is installed")
    out = _run(f"""
        import sys, threading
        from leadprep._validate import _ExtrasHidden
        hidden = []
        worker = threading.Thread(target=lambda: hidden.append(_ExtrasHidden()))
        worker.start(); worker.join()
        assert "{installed[0]}" not in sys.modules  # else the import below proves nothing
        sys.meta_path.insert(0, hidden[0])
        import {installed[0]}
        print("imported")
    """)
    assert out == "imported"
    refused = _run(f"""
        import sys
        from leadprep._validate import _ExtrasHidden
        assert "{installed[0]}" not in sys.modules
        sys.meta_path.insert(0, _ExtrasHidden())
        try:
            import {installed[0]}
        except ModuleNotFoundError as error:
            print(error)
    """)
    assert refused == f"No module named '{installed[0]}'"



def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None
