"""Regenerate the encoding fixtures: the same eight leads in five encodings / dialects.

    python tests/data/encodings/make_files.py

Every character is encodable in cp1252 (accents, “ ” – — €), so all five files hold the same text.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

HERE = Path(__file__).parent

HEADER = ["Customer ID", "First Name", "Last Name", "Phone", "City", "Notes"]
LEADS = [
    ["C-0001", "José", "Núñez", "(212) 555-0101", "San José", "Prefers “morning” calls"],
    ["C-0002", "Zoë", "Müller", "212-555-0102", "Zürich", "Budget €1.200 – firm"],
    ["C-0003", "François", "Lefèvre", "+1 212 555 0103", "Montréal", 'Said "call back" later'],
    ["C-0004", "Renée", "O'Brien", "2125550104", "Québec", "—"],
    ["C-0005", "Ángel", "Peña", "212.555.0105", "Málaga", "Señor, VIP"],
    ["C-0006", "Björn", "Sørensen", "(212)555-0106", "Århus", "ok"],
    ["C-0007", "Chloé", "Dubois", "212 555 0107", "Besançon", "“VIP” – call first"],
    ["C-0008", "Iñigo", "García", "1-212-555-0108", "Bogotá", "€50 deposit; paid"],
]


def table(delimiter: str, lineterminator: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerow(HEADER)
    writer.writerows(LEADS)
    return out.getvalue()


def main() -> None:
    comma = table(",", "\r\n")
    (HERE / "leads_utf8.csv").write_bytes(comma.encode("utf-8"))
    (HERE / "leads_utf8_bom.csv").write_bytes(codecs.BOM_UTF8 + comma.encode("utf-8"))
    (HERE / "leads_utf16le_tab.txt").write_bytes(
        codecs.BOM_UTF16_LE + table("\t", "\r\n").encode("utf-16-le")
    )
    (HERE / "leads_cp1252.csv").write_bytes(comma.encode("cp1252"))
    (HERE / "leads_semicolon.csv").write_bytes(table(";", "\n").encode("utf-8"))


if __name__ == "__main__":
    main()
