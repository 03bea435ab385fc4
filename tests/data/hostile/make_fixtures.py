"""Regenerate the quirk fixtures and their `<name>.expected.json` sidecars.

    python tests/data/hostile/make_fixtures.py

The generated files are kept in the tree; this script only documents how the bytes were made
(many fixtures hold NULs, bare CRs, BOMs or legacy encodings that editors silently "fix").
The expected outcomes are written by hand below from the reader's spec, never from leadprep's
output.

Sidecar keys (all optional except as noted):
  header            the header, as read
  rows              every accepted row, [[_row, [fields...]], ...] (exact, in order)
  some_rows         rows that must be among the accepted rows (for big files)
  n_rows            rows.height
  rejects           every reject, [[_row, [codes...]], ...] (codes compared as sets)
  reject_fields     [[_row, [fields as read...]], ...] for some rejects
  lines             [[_row, _line], ...] for some rows or rejects
  rows_read         ReadResult.rows_read
  detection         {key: value} compared with ReadResult.detection
  encoding_one_of   the detected encoding must be one of these
  python_csv        false when Python's csv module is not a valid yardstick for the record count
  python_csv_why    ... and why (required with python_csv false)
  file_error        the read must raise InputFileError with this code ...
  line              ... and this .line
  message_contains  ... and this text (case-insensitive) in the message
  cli_mapping       [mapping.columns] for `leadprep convert` / `check` (tests/test_hostile_cli.py);
                    default: EXTERN_ID = "id", LEAD_PHONE = "phone" when the header has both,
                    else EXTERN_ID = 0, LEAD_PHONE = 1 by index
  cli_file_error    the file reads, but convert and check must stop with this file error code
                    (a mapped header that is ambiguous or blank)
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import random
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent

H4 = ["id", "first_name", "last_name", "phone"]
H4_LINE = ",".join(H4)


def lf(*lines: str) -> str:
    """Lines joined and terminated with LF."""
    return "".join(line + "\n" for line in lines)


def crlf(*lines: str) -> str:
    return "".join(line + "\r\n" for line in lines)


def write(name: str, data: bytes | str, expected: dict[str, Any]) -> None:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    (HERE / name).write_bytes(raw)
    stem = name.split(".")[0]
    text = json.dumps(expected, ensure_ascii=False, indent=1)
    (HERE / f"{stem}.expected.json").write_text(text + "\n", encoding="utf-8")


def people(n: int, start: int = 1) -> list[list[str]]:
    names = [("Ann", "Lee"), ("Bob", "Poe"), ("Cy", "Day"), ("Dee", "Fox"), ("Eve", "Gil"),
             ("Fay", "Ho"), ("Gus", "Ivy"), ("Hal", "Jay")]
    out = []
    for i in range(start, start + n):
        first, last = names[(i - 1) % len(names)]
        out.append([str(i), first, last, f"212-555-{i:04d}"])
    return out


def line(fields: list[str], d: str = ",") -> str:
    return d.join(fields)


def numbered(rows: list[list[str]]) -> list[list[Any]]:
    return [[int(r[0]), r] for r in rows]


def shape_fixtures() -> None:
    ok = people(3)
    write(
        "short_row_first.csv",
        lf(H4_LINE, "1,Ann,212-555-0001", line(ok[1]), line(ok[2])),
        {"header": H4, "rows": numbered(ok[1:]), "rejects": [[1, ["TOO_FEW_FIELDS"]]],
         "reject_fields": [[1, ["1", "Ann", "212-555-0001"]]], "rows_read": 3,
         "detection": {"delimiter": ",", "header": True, "skipped_lines": []}},
    )
    ok = people(5)
    write(
        "short_row_later.csv",
        lf(H4_LINE, *(line(r) for r in ok[:3]), "4,Dee,212-555-0004", line(ok[4])),
        {"header": H4, "rows": numbered(ok[:3] + ok[4:]), "rejects": [[4, ["TOO_FEW_FIELDS"]]],
         "reject_fields": [[4, ["4", "Dee", "212-555-0004"]]], "lines": [[4, 5], [5, 6]]},
    )
    ok = people(3)
    write(
        "long_row_first.csv",
        lf(H4_LINE, "1,Ann,Lee,212-555-0001,extra", line(ok[1]), line(ok[2])),
        {"header": H4, "rows": numbered(ok[1:]), "rejects": [[1, ["TOO_MANY_FIELDS"]]],
         "reject_fields": [[1, ["1", "Ann", "Lee", "212-555-0001", "extra"]]]},
    )
    ok = people(5)
    # An unquoted "Smith, Jr" splits into one field too many: rejected, never shifted.
    write(
        "long_row_later.csv",
        lf(H4_LINE, *(line(r) for r in ok[:2]), "3,Cy,Smith, Jr,212-555-0003",
           *(line(r) for r in ok[3:])),
        {"header": H4, "rows": numbered(ok[:2] + ok[3:]), "rejects": [[3, ["TOO_MANY_FIELDS"]]],
         "reject_fields": [[3, ["3", "Cy", "Smith", " Jr", "212-555-0003"]]]},
    )


def quoting_fixtures() -> None:
    write(
        "quoted_comma.csv",
        lf(H4_LINE, '1,Bob,"Smith, Jr",212-555-0001', '2,"Ann","Lee",212-555-0002',
           '3,Cy,"Poe, III, Esq.","212-555-0003"'),
        {"header": H4, "rows": [[1, ["1", "Bob", "Smith, Jr", "212-555-0001"]],
                                [2, ["2", "Ann", "Lee", "212-555-0002"]],
                                [3, ["3", "Cy", "Poe, III, Esq.", "212-555-0003"]]],
         "rejects": [], "detection": {"delimiter": ",", "quote_char": '"'}},
    )
    write(
        "doubled_quotes.csv",
        lf("id,first_name,last_name,note", '1,Ann,"O""Brien","He said ""call me"""',
           '2,Bob,Poe,""""', '3,Cy,Day,""'),
        {"header": ["id", "first_name", "last_name", "note"],
         "rows": [[1, ["1", "Ann", 'O"Brien', 'He said "call me"']],
                  [2, ["2", "Bob", "Poe", '"']], [3, ["3", "Cy", "Day", ""]]],
         "rejects": []},
    )
    write(
        "malformed_quote.csv",
        lf(H4_LINE, '1,Bob,"Smith" Jr,212-555-0001', "2,Ann,Lee,212-555-0002"),
        {"header": H4, "rows": [[2, ["2", "Ann", "Lee", "212-555-0002"]]],
         "rejects": [[1, ["MALFORMED_QUOTING"]]]},
    )
    # `Bob, "Smith, Jr"`: the space makes the quote a plain character (csv.reader and RFC 4180
    # agree), so the comma inside splits the field. Never shifted: the row either has one field
    # too many (rejected) or is read exactly as csv.reader reads it.
    write(
        "space_before_quote.csv",
        lf(H4_LINE, '1,Bob, "Smith, Jr",212-555-0001', "2,Ann,Lee,212-555-0002",
           '3,Cy, "Day",212-555-0003', '4, "Poe, Bob",,212-555-0004',
           '5, "Fox, Dee",212-555-0005'),
        {"header": H4,
         "rows": [[2, ["2", "Ann", "Lee", "212-555-0002"]],
                  [3, ["3", "Cy", ' "Day"', "212-555-0003"]],
                  [5, ["5", ' "Fox', ' Dee"', "212-555-0005"]]],
         "rejects": [[1, ["TOO_MANY_FIELDS"]], [4, ["TOO_MANY_FIELDS"]]],
         "reject_fields": [[1, ["1", "Bob", ' "Smith', ' Jr"', "212-555-0001"]],
                           [4, ["4", ' "Poe', ' Bob"', "", "212-555-0004"]]],
         "rows_read": 5},
    )
    write(
        "inner_quote.csv",
        lf(H4_LINE, '1,Pat,O"Neil,212-555-0001', '2,Dwayne "The Rock",Johnson,212-555-0002',
           '3,Ann,Lee,5" tall'),
        {"header": H4, "rows": [[1, ["1", "Pat", 'O"Neil', "212-555-0001"]],
                                [2, ["2", 'Dwayne "The Rock"', "Johnson", "212-555-0002"]],
                                [3, ["3", "Ann", "Lee", '5" tall']]],
         "rejects": []},
    )
    write(
        "apostrophes.csv",
        lf(H4_LINE, "1,Pat,O'Brien,212-555-0001", "2,D'Arcy,D'Angelo,212-555-0002",
           "3,Rock 'n' Roll,Band,212-555-0003"),
        {"header": H4, "rows": [[1, ["1", "Pat", "O'Brien", "212-555-0001"]],
                                [2, ["2", "D'Arcy", "D'Angelo", "212-555-0002"]],
                                [3, ["3", "Rock 'n' Roll", "Band", "212-555-0003"]]],
         "rejects": [], "detection": {"quote_char": '"'}},
    )
    hn = "id,first_name,last_name,note"
    write(
        "unterminated_quote_eof.csv",
        lf(hn, "1,Ann,Lee,ok", "2,Bob,Poe,fine", '3,Cy,Day,"never closed'),
        {"file_error": "UNTERMINATED_QUOTE", "line": 4},
    )
    write(
        "unterminated_quote_mid.csv",
        lf(hn, "1,Ann,Lee,ok", '2,Bob,Poe,"left open', "3,Cy,Day,fine", "4,Dee,Fox,also fine",
           "5,Eve,Gil,done"),
        {"file_error": "UNTERMINATED_QUOTE", "line": 3},
    )
    # The open quote is "closed" by a later quoted field; the record it swallows is garbage.
    write(
        "unterminated_quote_mid_reclosed.csv",
        lf(hn, "1,Ann,Lee,ok", '2,Bob,Poe,"left open', "3,Cy,Day,fine", '4,Dee,Fox,"quoted"',
           "5,Eve,Gil,done"),
        {"file_error": "UNTERMINATED_QUOTE", "line": 3},
    )
    hn_rows = [["1", "Ann", "Lee", "line one\nline two\nline three"], ["2", "Bob", "Poe", "x"],
               ["3", "Cy", "Day", "a, b\n\nc"]]
    write(
        "lf_in_quotes.csv",
        lf(hn, '1,Ann,Lee,"line one', "line two", 'line three"', "2,Bob,Poe,x",
           '3,Cy,Day,"a, b', "", 'c"'),
        {"header": hn.split(","), "rows": numbered(hn_rows), "rejects": [], "rows_read": 3,
         "lines": [[1, 2], [2, 5], [3, 6]]},
    )
    write(
        "crlf_in_quotes.csv",
        crlf(hn, '1,Ann,Lee,"line one', 'line two"', "2,Bob,Poe,plain"),
        {"header": hn.split(","),
         "rows": [[1, ["1", "Ann", "Lee", "line one\r\nline two"]],
                  [2, ["2", "Bob", "Poe", "plain"]]],
         "rejects": [], "lines": [[1, 2], [2, 4]], "detection": {"line_ending": "CRLF"}},
    )


def control_fixtures() -> None:
    ok = people(3)
    write(
        "nul_in_field.csv",
        lf(H4_LINE, line(ok[0]), "2,Bo\x00b,Poe,212-555-0002", line(ok[2])),
        {"header": H4, "rows": numbered([ok[0], ok[2]]), "rejects": [[2, ["CONTROL_CHARACTER"]]]},
    )
    ok = people(4)
    write(
        "control_char.csv",
        lf(H4_LINE, line(ok[0]), "2,Bob,Poe\x0bJr,212-555-0002", "3,Cy\x07,Day,212-555-0003",
           line(ok[3])),
        {"header": H4, "rows": numbered([ok[0], ok[3]]),
         "rejects": [[2, ["CONTROL_CHARACTER"]], [3, ["CONTROL_CHARACTER"]]]},
    )
    ok = people(20)
    body = lf(H4_LINE, *(line(r) for r in ok)).encode()
    write(
        "nul_padded_tail_small.csv",
        body + b"\x00" * 16,
        {"header": H4, "rows": numbered(ok), "rejects": [], "rows_read": 20},
    )
    # Preallocated / truncated copy: the text, then NULs up to the 4 KiB block.
    write(
        "nul_padded_tail_block.csv",
        body + b"\x00" * (4096 - len(body)),
        {"header": H4, "rows": numbered(ok), "rejects": [], "rows_read": 20},
    )
    ok = people(3)
    write(
        "bare_cr_unquoted.csv",
        lf(H4_LINE, line(ok[0]), "2,Bob\rby,Poe,212-555-0002", line(ok[2])),
        {"header": H4, "rows": numbered([ok[0], ok[2]]), "rejects": [[2, ["CONTROL_CHARACTER"]]],
         "lines": [[3, 4]], "detection": {"line_ending": "LF"},
         "python_csv": False,
         "python_csv_why": "csv.reader ends a record at a bare CR in an unquoted field; the spec "
                           "makes the line one record, rejected as CONTROL_CHARACTER"},
    )
    write(
        "bare_cr_quoted.csv",
        lf(H4_LINE, line(ok[0]), '2,"Bob\rby",Poe,212-555-0002', line(ok[2])),
        {"header": H4, "rows": numbered([ok[0], ok[2]]), "rejects": [[2, ["CONTROL_CHARACTER"]]],
         "detection": {"line_ending": "LF"}},
    )
    big_ok = "é" * 32768  # 65536 bytes: at the limit
    big_bad = "é" * 32769  # 65538 bytes, 32769 characters: over the limit in bytes
    write(
        "field_too_large.csv",
        lf("id,first_name,last_name,note", f"1,Ann,Lee,{big_ok}", f"2,Bob,Poe,{big_bad}",
           "3,Cy,Day,short"),
        {"header": ["id", "first_name", "last_name", "note"], "n_rows": 2,
         "some_rows": [[3, ["3", "Cy", "Day", "short"]]], "rejects": [[2, ["FIELD_TOO_LARGE"]]]},
    )


def line_ending_fixtures() -> None:
    ok = people(4)
    write(
        "cr_only.csv",
        "".join(x + "\r" for x in [H4_LINE, *(line(r) for r in ok)]),
        {"header": H4, "rows": numbered(ok), "rejects": [], "lines": [[1, 2], [4, 5]],
         "detection": {"line_ending": "CR", "delimiter": ","}},
    )
    # Mac Excel: records end in CR, a line break inside a cell is LF.
    hn = "id,first_name,last_name,note"
    write(
        "cr_only_lf_in_quotes.csv",
        "".join(x + "\r" for x in [hn, '1,Ann,Lee,"line one\nline two"', "2,Bob,Poe,plain",
                                   "3,Cy,Day,x"]),
        {"header": hn.split(","), "rows": [[1, ["1", "Ann", "Lee", "line one\nline two"]],
                                           [2, ["2", "Bob", "Poe", "plain"]],
                                           [3, ["3", "Cy", "Day", "x"]]],
         "rejects": [], "rows_read": 3, "lines": [[1, 2]], "detection": {"line_ending": "CR"}},
    )
    ok = people(5)
    text = H4_LINE + "\r\n" + "".join(
        line(r) + ("\r\n" if i % 2 else "\n") for i, r in enumerate(ok)
    )
    write(
        "mixed_crlf_lf.csv",
        text,
        {"header": H4, "rows": numbered(ok), "rejects": [],
         "detection": {"line_ending": "mixed"}},
    )
    ok = people(3)
    write(
        "no_trailing_newline.csv",
        lf(H4_LINE, line(ok[0]), line(ok[1])) + line(ok[2]),
        {"header": H4, "rows": numbered(ok), "rejects": [], "rows_read": 3},
    )
    write(
        "trailing_blank_line.csv",
        lf(H4_LINE, line(ok[0]), line(ok[1]), line(ok[2]), ""),
        {"header": H4, "rows": numbered(ok), "rejects": [[4, ["BLANK_ROW"]]], "rows_read": 4},
    )
    write(
        "trailing_empty_rows.csv",
        crlf(H4_LINE, line(ok[0]), line(ok[1]), line(ok[2]), ",,,", ",,,"),
        {"header": H4, "rows": numbered(ok),
         "rejects": [[4, ["BLANK_ROW"]], [5, ["BLANK_ROW"]]], "rows_read": 5},
    )


def encoding_fixtures() -> None:
    h = ["id", "first_name", "last_name", "city"]
    rows = [["1", "José", "Núñez", "Bogotá"], ["2", "Zoë", "Müller", "Zürich"],
            ["3", "François", "Lefèvre", "Montréal"]]
    text = crlf(",".join(h), *(line(r) for r in rows))
    write(
        "utf8_bom_quoted_header.csv",
        codecs.BOM_UTF8 + crlf('"id","first_name","last_name","city"',
                               *(line(r) for r in rows)).encode("utf-8"),
        {"header": h, "rows": numbered(rows), "rejects": [],
         "encoding_one_of": ["utf-8", "utf-8-sig"],
         "detection": {"bom": True, "encoding_source": "bom", "delimiter": ",",
                       "line_ending": "CRLF"}},
    )
    tab_rows = [*rows, ["4", "Ann", "Smith, Jr", "北京"]]
    tab_text = crlf("\t".join(h), *(line(r, "\t") for r in tab_rows))
    write(
        "utf16le_bom_tab.txt",
        codecs.BOM_UTF16_LE + tab_text.encode("utf-16-le"),
        {"header": h, "rows": numbered(tab_rows), "rejects": [],
         "detection": {"encoding": "utf-16-le", "bom": True, "delimiter": "\t",
                       "encoding_source": "bom"}},
    )
    # Excel "Unicode text": a cell with a line break, a tab, or a quote is quoted.
    xl_rows = [["1", "José", "Núñez", "two\r\nlines"], ["2", "Zoë", "Müller", "tab\there"],
               ["3", "Ann", 'say "hi"', "€5"]]
    xl_h = ["id", "first_name", "last_name", "note"]
    xl_text = crlf("\t".join(xl_h), '1\tJosé\tNúñez\t"two\r\nlines"', '2\tZoë\tMüller\t"tab\there"',
                   '3\tAnn\t"say ""hi"""\t€5')
    write(
        "utf16le_bom_tab_quoted.txt",
        codecs.BOM_UTF16_LE + xl_text.encode("utf-16-le"),
        {"header": xl_h, "rows": numbered(xl_rows), "rejects": [], "lines": [[2, 4]],
         "detection": {"encoding": "utf-16-le", "delimiter": "\t", "line_ending": "CRLF"}},
    )
    # A UTF-16 copy cut short: an odd number of bytes, the last one half a character.
    write(
        "utf16le_cut_short.csv",
        codecs.BOM_UTF16_LE + text.encode("utf-16-le") + b"5",
        {"file_error": "UNDECIDABLE_ENCODING", "line": 5,
         "message_contains": f"ends inside a utf-16-le character (offset {2 * len(text)})"},
    )
    write(
        "utf16be_bom.csv",
        codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        {"header": h, "rows": numbered(rows), "rejects": [],
         "detection": {"encoding": "utf-16-be", "bom": True, "delimiter": ","}},
    )
    write(
        "utf16le_nobom.csv",
        lf(",".join(h), *(line(r) for r in rows)).encode("utf-16-le"),
        {"header": h, "rows": numbered(rows), "rejects": [],
         "detection": {"encoding": "utf-16-le", "bom": False, "encoding_source": "nul-pattern",
                       "delimiter": ","}},
    )
    write(
        "utf16be_nobom.csv",
        lf(",".join(h), *(line(r) for r in rows)).encode("utf-16-be"),
        {"header": h, "rows": numbered(rows), "rejects": [],
         "detection": {"encoding": "utf-16-be", "bom": False, "encoding_source": "nul-pattern",
                       "delimiter": ","}},
    )
    ok = people(4)
    write(
        "utf16le_nobom_ascii.csv",
        crlf(H4_LINE, *(line(r) for r in ok)).encode("utf-16-le"),
        {"header": H4, "rows": numbered(ok), "rejects": [],
         "detection": {"encoding": "utf-16-le", "bom": False, "encoding_source": "nul-pattern",
                       "delimiter": ",", "line_ending": "CRLF"}},
    )
    hn = ["id", "first_name", "last_name", "note"]
    # The smallest cp1252 file: one row, the four characters lead files mostly hold.
    write(
        "cp1252_tiny.csv",
        crlf("id,name,note", "1,Peña,“VIP” €5").encode("cp1252"),
        {"header": ["id", "name", "note"], "rows": [[1, ["1", "Peña", "“VIP” €5"]]],
         "rejects": [], "detection": {"encoding": "cp1252"}},
    )
    # Well past 64 KiB, with “ ” € ñ on every row from the first.
    big_rows = [[str(i), f"Iñigo {i}", "Muñoz", f"“VIP” budget €{i}.00 – señor"]
                for i in range(1, 2001)]
    big = crlf(",".join(hn), *(line(r) for r in big_rows)).encode("cp1252")
    assert len(big) > 65536 * 1.5
    write(
        "cp1252_large.csv",
        big,
        {"header": hn, "n_rows": 2000, "rejects": [], "rows_read": 2000,
         "some_rows": [[1, big_rows[0]], [1000, big_rows[999]], [2000, big_rows[1999]]],
         "detection": {"encoding": "cp1252", "delimiter": ","}},
    )
    cp_rows = [["1", "José", "Peña", "Prefers “morning” calls"],
               ["2", "Zoë", "Muñoz", "Budget €1.200 – firm"],
               ["3", "Iñigo", "Núñez", "Señor “VIP”"],
               ["4", "Ann", "Lee", "plain"]]
    write(
        "cp1252_smart_quotes.csv",
        crlf(",".join(hn), *(line(r) for r in cp_rows)).encode("cp1252"),
        {"header": hn, "rows": numbered(cp_rows), "rejects": [],
         "detection": {"encoding": "cp1252", "encoding_source": "chardet"}},
    )
    l1_rows = [["1", "José", "Çelik", "Señor · 25°"], ["2", "Jürgen", "Groß", "«Stammkunde»"],
               ["3", "Åsa", "Ødegård", "Ålesund"], ["4", "Ann", "Lee", "plain"]]
    write(
        "latin1.csv",
        lf(",".join(hn), *(line(r) for r in l1_rows)).encode("latin-1"),
        {"header": hn, "rows": numbered(l1_rows), "rejects": [],
         # Latin-1 text without 0x80-0x9F bytes reads the same as cp1252: either name is right.
         "encoding_one_of": ["iso8859-1", "latin-1", "cp1252"],
         "detection": {"encoding_source": "chardet"}},
    )
    # Japanese Excel export: Japanese header, and 表/ソ whose second byte is 0x5C (backslash).
    sj_header = ["ID", "氏名", "住所", "電話番号"]
    sj_rows = [["1", "山田太郎", "東京都渋谷区表参道1-2-3", "03-1234-5678"],
               ["2", "佐藤花子", "大阪府大阪市北区梅田", "06-2345-6789"],
               ["3", "鈴木一郎", "ソニー株式会社 品川", "03-3456-7890"],
               ["4", "高橋美咲", "名古屋市中区栄", "052-456-7890"]]
    write(
        "shift_jis.csv",
        crlf(",".join(sj_header), *(line(r) for r in sj_rows)).encode("shift_jis"),
        {"header": sj_header, "rows": numbered(sj_rows), "rejects": [],
         "encoding_one_of": ["cp932", "shift_jis"], "detection": {"delimiter": ","}},
    )
    # A Japanese list where most names are romanized: only two rows hold kanji.
    sj_rows = [[str(i), name, "Tokyo", f"03-1234-{i:04d}"] for i, name in enumerate(
        ["Yamada Taro", "Sato Hanako", "Suzuki Ichiro", "Takahashi Misaki", "Tanaka Ken",
         "Ito Yui", "Watanabe Sho", "Nakamura Aoi", "Kobayashi Ren", "Kato Mei"], start=1)]
    sj_rows += [["11", "山田太郎", "東京都渋谷区表参道", "03-1234-0011"],
                ["12", "佐藤花子", "ソニー株式会社", "03-1234-0012"]]
    write(
        "shift_jis_mostly_ascii.csv",
        crlf(",".join(["id", "name", "city", "phone"]),
             *(line(r) for r in sj_rows)).encode("shift_jis"),
        {"header": ["id", "name", "city", "phone"], "rows": numbered(sj_rows), "rejects": [],
         "encoding_one_of": ["cp932", "shift_jis"]},
    )
    # The first non-ASCII byte sits past the first 64 KiB.
    filler = people(3000)
    filler_text = lf(H4_LINE, *(line(r) for r in filler))
    assert len(filler_text) > 65536
    late = [["3001", "José", "Núñez", "212-555-3001"], ["3002", "Zoë", "Muñoz", "212-555-3002"]]
    late_rows = [*late, ["3003", "Ann", "“Lee”", "€"]]
    write(
        "utf8_late_nonascii.csv",
        (filler_text + lf(*(line(r) for r in late_rows))).encode("utf-8"),
        {"header": H4, "n_rows": 3003, "rejects": [], "rows_read": 3003,
         "some_rows": [[1, filler[0]], *numbered(late_rows)],
         "detection": {"encoding": "utf-8"}},
    )
    write(
        "cp1252_late_nonascii.csv",
        (filler_text + lf(*(line(r) for r in late_rows))).encode("cp1252"),
        {"header": H4, "n_rows": 3003, "rejects": [], "rows_read": 3003,
         "some_rows": [[1, filler[0]], *numbered(late_rows)],
         "detection": {"encoding": "cp1252"}},
    )
    mixed = (
        b"id,first_name,last_name,city\n"
        + "1,José,Núñez,Bogotá\n".encode()
        + "2,Zoë,Müller,Zürich\n".encode()
        + "3,Renée,Faÿ,Paris\n".encode("cp1252")
        + b"4,Ann,Lee,Boston\n"
    )
    write(
        "utf8_one_cp1252_line_cr.csv",
        mixed.replace(b"\n", b"\r"),
        {"header": h, "rows": [[1, ["1", "José", "Núñez", "Bogotá"]],
                               [2, ["2", "Zoë", "Müller", "Zürich"]],
                               [4, ["4", "Ann", "Lee", "Boston"]]],
         "rejects": [[3, ["INVALID_ENCODING"]]], "lines": [[3, 4]],
         "detection": {"encoding": "utf-8", "line_ending": "CR"}},
    )
    write(
        "utf8_one_cp1252_line.csv",
        mixed,
        {"header": h, "rows": [[1, ["1", "José", "Núñez", "Bogotá"]],
                               [2, ["2", "Zoë", "Müller", "Zürich"]],
                               [4, ["4", "Ann", "Lee", "Boston"]]],
         "rejects": [[3, ["INVALID_ENCODING"]]], "lines": [[3, 4]],
         "detection": {"encoding": "utf-8"}},
    )


def empty_fixtures() -> None:
    write("header_only.csv", lf(H4_LINE),
          {"header": H4, "rows": [], "rejects": [], "rows_read": 0})
    write("empty.csv", b"", {"file_error": "EMPTY_FILE"})
    write("lone_newline.csv", b"\n", {"file_error": "EMPTY_FILE"})
    write("lone_crlf.csv", b"\r\n", {"file_error": "EMPTY_FILE"})
    write("lone_bom.csv", codecs.BOM_UTF8, {"file_error": "EMPTY_FILE"})
    write("lone_bom_utf16.csv", codecs.BOM_UTF16_LE, {"file_error": "EMPTY_FILE"})
    write(
        "delimiter_undetected.csv",
        lf("Notes from the trade show", "Call everyone back on Monday",
           "Ask Ann about the new price list", "Bring the brochures"),
        {"file_error": "DELIMITER_UNDETECTED"},
    )


def delimiter_fixtures() -> None:
    ok = people(4)
    write(
        "semicolon.csv",
        crlf(";".join(H4), *(line(r, ";") for r in ok)),
        {"header": H4, "rows": numbered(ok), "rejects": [], "detection": {"delimiter": ";"}},
    )
    h = ["id", "name", "amount", "address"]
    rows = [["1", "Dupont, Marie", "12,50", "Rue de la Paix 1, Paris"],
            ["2", "Martin", "1.234,00", "Lyon"],
            ["3", "Durand; Paul", "0,99", "Quai 3, Nice"],
            ["4", "Petit", "7,00", "Lille"]]
    text = crlf(";".join(h), "1;Dupont, Marie;12,50;Rue de la Paix 1, Paris",
                "2;Martin;1.234,00;Lyon", '3;"Durand; Paul";0,99;Quai 3, Nice',
                "4;Petit;7,00;Lille")
    write(
        "semicolon_commas.csv",
        text,
        {"header": h, "rows": numbered(rows), "rejects": [], "detection": {"delimiter": ";"}},
    )
    # Every row holds two commas ("Last, First" and a decimal comma): still a semicolon file.
    h = ["id", "name", "amount"]
    rows = [["1", "Lee, Ann", "12,50"], ["2", "Poe, Bob", "3,10"], ["3", "Day, Cy", "7,00"],
            ["4", "Fox, Dee", "1,99"], ["5", "Gil, Eve", "0,50"]]
    write(
        "semicolon_commas_every_row.csv",
        crlf(";".join(h), *(line(r, ";") for r in rows)),
        {"header": h, "rows": numbered(rows), "rejects": [], "detection": {"delimiter": ";"}},
    )
    h = ["name", "address", "phone"]
    rows = [["Ann Lee", "1 Main St, Springfield, IL", "212-555-0001"],
            ["Bob Poe", "2 Elm St, Boston, MA", "212-555-0002"],
            ["Cy Day", "3 Oak Ave, Austin, TX", "212-555-0003"],
            ["Dee Fox", "4 Pine Rd, Denver, CO", "212-555-0004"],
            ["Eve Gil", "5 Ash Ct, Miami, FL", "212-555-0005"]]
    write(
        "tab_commas_every_row.tsv",
        lf("\t".join(h), *(line(r, "\t") for r in rows)),
        {"header": h, "rows": [[i, r] for i, r in enumerate(rows, start=1)], "rejects": [],
         "detection": {"delimiter": "\t"}},
    )
    rows = [["1", "Bob", "Smith, Jr", "212-555-0001"], ["2", "Ann", "Lee", "212-555-0002"],
            ["3", "Cy", "Day, Esq.", "212-555-0003"], ["4", "Dee", "Fox", "212-555-0004"]]
    write(
        "pipe.csv",
        lf("|".join(H4), *(line(r, "|") for r in rows)),
        {"header": H4, "rows": numbered(rows), "rejects": [], "detection": {"delimiter": "|"}},
    )
    h = ["id", "name", "address", "phone"]
    rows = [["1", "Smith, Jr", "1 Main St, Apt 2", "212-555-0001"],
            ["2", "Lee, Ann", "2 Elm St, Boston, MA", "212-555-0002"],
            ["3", "Day", "3 Oak Ave", "212-555-0003"]]
    write(
        "tab_commas.tsv",
        lf("\t".join(h), *(line(r, "\t") for r in rows)),
        {"header": h, "rows": numbered(rows), "rejects": [], "detection": {"delimiter": "\t"}},
    )


def header_fixtures() -> None:
    ok = people(3)
    write(
        "title_row.csv",
        lf("Lead export November 2026", H4_LINE, *(line(r) for r in ok)),
        {"header": H4, "rows": numbered(ok), "rejects": [], "rows_read": 3,
         "lines": [[1, 3], [3, 5]],
         "detection": {"skipped_lines": [1], "header": True, "delimiter": ","}},
    )
    write(
        "no_header.csv",
        lf(*(line(r) for r in ok)),
        {"rows": numbered(ok), "rejects": [], "rows_read": 3, "lines": [[1, 1]],
         "detection": {"header": False, "skipped_lines": []}},
    )
    write(
        "title_row_excel.csv",
        crlf("Lead export November 2026,,,", ",,,", H4_LINE, *(line(r) for r in ok)),
        {"header": H4, "rows": numbered(ok), "rejects": [], "rows_read": 3,
         "lines": [[1, 4]], "detection": {"skipped_lines": [1, 2], "header": True}},
    )
    h5 = ["id", "first_name", "last_name", "phone", "city"]
    write(
        "blank_rows.csv",
        lf(",".join(h5), "1,Ann,Lee,212-555-0001,Boston", "", ",,,,", " , ,\t,  , ",
           "5,Eve,Gil,212-555-0005,Austin"),
        {"header": h5, "rows": [[1, ["1", "Ann", "Lee", "212-555-0001", "Boston"]],
                                [5, ["5", "Eve", "Gil", "212-555-0005", "Austin"]]],
         "rejects": [[2, ["BLANK_ROW"]], [3, ["BLANK_ROW"]], [4, ["BLANK_ROW"]]],
         "rows_read": 5, "lines": [[2, 3], [5, 6]]},
    )
    # Rows of delimiters only, as spreadsheets write them: as wide as the header, wider (the
    # widest row elsewhere) or narrower. No data in them, so no shift: BLANK_ROW, not a count.
    ok = people(3)
    write(
        "comma_only_rows.csv",
        crlf(H4_LINE, line(ok[0]), ",,,", ",,,,", ",,", line(ok[1]), ",,,,,,,,", line(ok[2]),
             ",,,,", ",,,"),
        {"header": H4, "rows": [[1, ok[0]], [5, ok[1]], [7, ok[2]]],
         "rejects": [[n, ["BLANK_ROW"]] for n in (2, 3, 4, 6, 8, 9)],
         "reject_fields": [[3, ["", "", "", "", ""]], [4, ["", "", ""]]],
         "rows_read": 9, "lines": [[5, 6], [9, 10]]},
    )
    h = ["id", "first_name", "last_name", "phone", "notes"]
    rows = [["1", "NA", "null", "N/A", "#N/A"], ["2", "NULL", "None", "nan", "-"],
            ["3", "Ann", "", "", "NaN"], ["4", "n/a", "Nil", "#VALUE!", "none"]]
    write(
        "na_values.csv",
        lf(",".join(h), "1,NA,null,N/A,#N/A", "2,NULL,None,nan,-", '3,Ann,"",,NaN',
           "4,n/a,Nil,#VALUE!,none"),
        {"header": h, "rows": numbered(rows), "rejects": []},
    )
    h = ["id", "zip", "phone", "account", "amount"]
    rows = [["00123", "02134", "0044207946000", "000", "007.50"],
            ["007", "00501", "02125550101", "0", "0.0"],
            ["0042", "08540", "+0012125550102", "000123", "1e5"]]
    write(
        "leading_zeros.csv",
        lf(",".join(h), "00123,02134,0044207946000,000,007.50", "007,00501,02125550101,0,0.0",
           '"0042","08540",+0012125550102,000123,1e5'),
        {"header": h, "rows": [[i, r] for i, r in enumerate(rows, start=1)], "rejects": []},
    )


def duplicate_and_blank_header_fixtures() -> None:
    """The reader keeps the header as it is; a mapped name that matches two columns (compared
    without case and surrounding whitespace) or a mapped column with no name stops the run."""
    ok = people(3)
    h = ["id", "phone", "first_name", "phone"]
    rows = [[r[0], r[3], r[1], "212-555-9999"] for r in ok]
    write(
        "duplicate_headers.csv",
        lf(",".join(h), *(line(r) for r in rows)),
        {"header": h, "rows": numbered(rows), "rejects": [],
         "cli_file_error": "AMBIGUOUS_HEADER"},
    )
    h = ["id", "Phone", "phone ", " PHONE"]
    rows = [[r[0], r[3], "212-555-9998", "212-555-9999"] for r in ok]
    write(
        "duplicate_headers_variants.csv",
        lf(",".join(h), *(line(r) for r in rows)),
        {"header": h, "rows": numbered(rows), "rejects": [],
         "cli_file_error": "AMBIGUOUS_HEADER"},
    )
    # Two "note" columns nobody maps: nothing is ambiguous.
    h = ["id", "phone", "Note", "note "]
    rows = [[r[0], r[3], "first", "second"] for r in ok]
    write(
        "duplicate_headers_unmapped.csv",
        lf(",".join(h), *(line(r) for r in rows)),
        {"header": h, "rows": numbered(rows), "rejects": []},
    )
    # Blank and whitespace-only names of columns nobody maps: tolerated.
    h = ["id", "", "phone", " "]
    rows = [[r[0], r[1], r[3], r[2]] for r in ok]
    write(
        "blank_headers.csv",
        lf(",".join(h), *(line(r) for r in rows)),
        {"header": h, "rows": numbered(rows), "rejects": []},
    )
    # The phone column has no name and is mapped by index.
    h = ["id", "first_name", "  ", "last_name"]
    rows = [[r[0], r[1], r[3], r[2]] for r in ok]
    write(
        "blank_header_mapped.csv",
        lf(",".join(h), *(line(r) for r in rows)),
        {"header": h, "rows": numbered(rows), "rejects": [],
         "cli_mapping": {"EXTERN_ID": 0, "LEAD_PHONE": 2}, "cli_file_error": "BLANK_HEADER"},
    )


def binary_fixtures() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in [
            ("[Content_Types].xml", '<?xml version="1.0"?><Types/>'),
            ("xl/workbook.xml", '<?xml version="1.0"?><workbook/>'),
            ("xl/worksheets/sheet1.xml", '<?xml version="1.0"?><worksheet/>'),
        ]:
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 1, 0, 0, 0))
            archive.writestr(info, body)
    write("fake_xlsx.csv", buffer.getvalue(),
          {"file_error": "BINARY_FILE", "message_contains": "zip"})
    ok = people(3)
    write("gzip.csv", gzip.compress(lf(H4_LINE, *(line(r) for r in ok)).encode(), mtime=0),
          {"file_error": "BINARY_FILE", "message_contains": "gzip"})
    # An old Excel workbook: the OLE2 compound-file signature, then its header sector.
    write("fake_xls.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
          {"file_error": "BINARY_FILE", "message_contains": "xls"})
    # Bytes with no known signature: an executable, an image, a disk dump.
    noise = random.Random(20261101).randbytes(2048)
    write("binary.csv", noise, {"file_error": "BINARY_FILE", "message_contains": "not a text"})


def main() -> None:
    for old in HERE.iterdir():
        if old.name != Path(__file__).name and old.is_file():
            old.unlink()
    shape_fixtures()
    quoting_fixtures()
    control_fixtures()
    line_ending_fixtures()
    encoding_fixtures()
    empty_fixtures()
    delimiter_fixtures()
    header_fixtures()
    duplicate_and_blank_header_fixtures()
    binary_fixtures()


if __name__ == "__main__":
    main()
