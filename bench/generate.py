"""Generate a synthetic lead file for the benchmark: deterministic by seed, built column-wise.

    python bench/generate.py OUT.csv [--leads N] [--seed S]

or from Python: `generate(path, n, seed)` / `lead_frame(n, seed)`.

Columns: Customer ID, First Name, Last Name, Phone, Mobile, Work Phone, Email, City, State, Zip,
Segment. Phones are typed the ways people type them:

- ~92% US numbers on real area codes with exchanges 2xx-9xx, in eight spellings
  ("(415) 555-0134", "415-555-0134", "415.555.0134", "4155550134", "+1 415 555 0134",
  "1-415-555-0134", "+14155550134", "(415)555-0134"), ~5% of them with an extension
  ("x12", "ext. 204", ...), ~1% with stray spaces around the value;
- ~5% international (UK, DE, FR, MX, IN), written with "+", "00" or "011 ";
- ~3% junk ("N/A", "", "unknown", "555-0100", "123", "call me");
- Mobile and Work Phone are empty in ~30% of rows;
- ~1% of rows repeat the primary phone (same digits, possibly typed differently) of an earlier
  row.

Every column is built with numpy and polars expressions; nothing loops over rows in Python.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import polars as pl

AREA_CODES = ("212", "415", "206", "617", "312", "713", "305", "404",
              "973", "718", "646", "202", "303", "503", "512", "602")
FIRST_NAMES = ("James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda",
               "David", "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica",
               "Thomas", "Sarah", "Carlos", "Karen", "Daniel", "Lisa", "Matthew", "Nancy",
               "Anthony", "Betty", "Mark", "Sandra", "Donald", "Ashley", "Steven", "Kimberly",
               "Andrew", "Emily", "Kenneth", "Donna", "Joshua", "Michelle", "Kevin", "Carol",
               "Chloé", "José", "Zoë", "Björn", "Renée", "Ángel", "Priya", "Wei", "Fatima", "Noah")
LAST_NAMES = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
              "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
              "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson",
              "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker",
              "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
              "O'Brien", "Müller", "Núñez", "Dubois", "Kowalski", "Patel", "Chen", "Kim",
              "Okafor", "Hopper")
# (city, state, first zip of a range of 100): several with leading zeros.
PLACES = (("New York", "NY", 10001), ("San Francisco", "CA", 94102), ("Seattle", "WA", 98101),
          ("Boston", "MA", 2108), ("Chicago", "IL", 60601), ("Houston", "TX", 77002),
          ("Miami", "FL", 33101), ("Atlanta", "GA", 30303), ("Newark", "NJ", 7102),
          ("Hartford", "CT", 6103), ("Providence", "RI", 2903), ("Portland", "ME", 4101),
          ("Burlington", "VT", 5401), ("San Juan", "PR", 901), ("Denver", "CO", 80202),
          ("Austin", "TX", 78701), ("Phoenix", "AZ", 85001), ("Washington", "DC", 20001))
SEGMENTS = ("gold", "silver", "bronze", "platinum", "")
SEGMENT_WEIGHTS = (0.2, 0.35, 0.35, 0.08, 0.02)
DOMAINS = ("example.com", "example.org", "mail.example.net", "corp.example.com")
JUNK = ("N/A", "", "unknown", "555-0100", "123", "call me")

US, INTL, JUNK_KIND, EMPTY = 0, 1, 2, 3
US_SHARE, INTL_SHARE, JUNK_SHARE = 0.92, 0.05, 0.03
EXTENSION_SHARE = 0.05
PADDED_SHARE = 0.01
PERSONA_EMPTY_SHARE = 0.30
DUPLICATE_SHARE = 0.01


# The eight US spellings as (before area code, between area code and exchange, between exchange
# and subscriber): "(415) 555-0134", "415-555-0134", "415.555.0134", "4155550134",
# "+1 415 555 0134", "1-415-555-0134", "+14155550134", "(415)555-0134".
US_SPELLINGS = (("(", ") ", "-"), ("", "-", "-"), ("", ".", "."), ("", "", ""),
                ("+1 ", " ", " "), ("1-", "-", "-"), ("+1", "", ""), ("(", ")", "-"))
# Extensions: (label, lowest, highest) -> "x12", "ext. 204", "ext 7", "x1234", "extension 31".
EXTENSIONS = ((" x", 10, 99), (" ext. ", 100, 999), (" ext ", 1, 9), (" x", 1000, 9999),
              (" extension ", 10, 99))
# International numbers after the international prefix, as groups of (literal, random digits):
# +44 20 7946 0958, +44 7700 900123, +49 30 1234 5678, +33 1 42 68 53 00, +33 6 12 34 56 78,
# +52 55 1234 5678, +91 98765 43210.
INTERNATIONAL = (
    (("44 20 7", 3), (" ", 4)),
    (("44 7700 9", 2), (" ", 3)),
    (("49 30 ", 4), (" ", 4)),
    (("33 1 ", 2), (" ", 2), (" ", 2), (" ", 2)),
    (("33 6 ", 2), (" ", 2), (" ", 2), (" ", 2)),
    (("52 55 ", 4), (" ", 4)),
    (("91 98", 3), (" ", 5)),
)
INTERNATIONAL_PREFIXES = ("+", "00", "011 ")
INTERNATIONAL_PREFIX_WEIGHTS = (0.7, 0.15, 0.15)


class _Columns:
    """Random helper columns referenced by name in one polars select (polars evaluates column
    references far faster than literal Series)."""

    def __init__(self, rng: np.random.Generator, n: int) -> None:
        self.rng = rng
        self.n = n
        self.columns: dict[str, pl.Series] = {}

    def add(self, values: np.ndarray | pl.Series) -> pl.Expr:
        name = f"_c{len(self.columns)}"
        self.columns[name] = pl.Series(name, values)
        return pl.col(name)

    def pick(self, choices: tuple[str, ...], weights: tuple[float, ...] | None = None) -> pl.Expr:
        return self.add(_pick(self.rng, self.n, choices, weights))

    def gather(self, table: tuple[str, ...], index: np.ndarray) -> pl.Expr:
        return self.add(pl.Series(table, dtype=pl.String).gather(index))

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(list(self.columns.values()))

    def evaluate(self, expr: pl.Expr) -> pl.Series:
        return self.frame().select(expr.alias("value"))["value"]


def _pick(rng: np.random.Generator, n: int, choices: tuple[str, ...],
          weights: tuple[float, ...] | None = None) -> pl.Series:
    index = rng.choice(len(choices), size=n, p=weights)
    return pl.Series(choices, dtype=pl.String).gather(index)


def _us_numbers(c: _Columns, area: np.ndarray, exch: np.ndarray, sub: np.ndarray) -> pl.Expr:
    rng, n = c.rng, c.n
    spelling = rng.integers(0, len(US_SPELLINGS), size=n)
    seps = [c.gather(tuple(s[i] for s in US_SPELLINGS), spelling) for i in range(3)]
    ext_form = rng.integers(0, len(EXTENSIONS), size=n)
    has_ext = rng.random(n) < EXTENSION_SHARE
    low = np.array([e[1] for e in EXTENSIONS])[ext_form]
    high = np.array([e[2] for e in EXTENSIONS])[ext_form]
    ext_number = low + (rng.random(n) * (high - low + 1)).astype(np.int64)
    ext = pl.when(c.add(has_ext)).then(
        c.gather(tuple(e[0] for e in EXTENSIONS), ext_form) + c.add(ext_number).cast(pl.String)
    ).otherwise(pl.lit(""))
    number = pl.concat_str([
        seps[0], c.gather(AREA_CODES, area), seps[1], c.add(exch).cast(pl.String), seps[2],
        c.add(sub).cast(pl.String).str.zfill(4), ext,
    ])
    padded = c.add(rng.random(n) < PADDED_SHARE)
    return pl.when(padded).then(pl.lit(" ") + number + pl.lit(" ")).otherwise(number)


def _international(c: _Columns) -> pl.Expr:
    rng, n = c.rng, c.n
    template = rng.integers(0, len(INTERNATIONAL), size=n)
    parts = [c.pick(INTERNATIONAL_PREFIXES, INTERNATIONAL_PREFIX_WEIGHTS)]
    for g in range(max(len(t) for t in INTERNATIONAL)):
        literal = tuple(t[g][0] if g < len(t) else "" for t in INTERNATIONAL)
        width = np.array([t[g][1] if g < len(t) else 0 for t in INTERNATIONAL])[template]
        digits = (rng.random(n) * 10.0**width).astype(np.int64)
        parts.append(c.gather(literal, template))
        width_e = c.add(width)
        parts.append(pl.when(width_e > 0).then(c.add(digits).cast(pl.String).str.zfill(width_e))
                     .otherwise(pl.lit("")))
    return pl.concat_str(parts)


def phone_column(rng: np.random.Generator, n: int, *, empty_share: float = 0.0,
                 duplicate_share: float = 0.0) -> pl.Series:
    """One phone column of n values (empty cells are null)."""
    present = 1 - empty_share
    kind = rng.choice(4, size=n, p=(US_SHARE * present, INTL_SHARE * present,
                                    JUNK_SHARE * present, empty_share))
    area = rng.integers(0, len(AREA_CODES), size=n)
    exch = rng.integers(200, 1000, size=n)
    sub = rng.integers(0, 10_000, size=n)
    if duplicate_share:
        # A duplicate takes the digits of an earlier US row that is not itself a duplicate.
        dup = rng.random(n) < duplicate_share
        pool = np.flatnonzero((kind == US) & ~dup)
        available = np.searchsorted(pool, np.arange(n))  # pool rows before each row
        dup &= available > 0
        src = pool[(rng.random(n) * np.maximum(available, 1)).astype(np.int64)]
        kind = np.where(dup, US, kind)
        area, exch, sub = (np.where(dup, a[src], a) for a in (area, exch, sub))
    # Each kind is built for its own rows only, then scattered into place.
    out = pl.repeat(None, n, dtype=pl.String, eager=True)
    us_rows = np.flatnonzero(kind == US)
    c = _Columns(rng, len(us_rows))
    out.scatter(us_rows, c.evaluate(_us_numbers(c, area[us_rows], exch[us_rows], sub[us_rows])))
    intl_rows = np.flatnonzero(kind == INTL)
    c = _Columns(rng, len(intl_rows))
    out.scatter(intl_rows, c.evaluate(_international(c)))
    junk_rows = np.flatnonzero(kind == JUNK_KIND)
    out.scatter(junk_rows, _pick(rng, len(junk_rows), JUNK))
    return pl.select(pl.when(out != "").then(out)).to_series().alias("value")


def lead_frame(n: int, seed: int = 42) -> pl.DataFrame:
    """n leads; the same (n, seed) always gives the same frame."""
    rng = np.random.default_rng(seed)
    base = _Columns(rng, n)
    first, last = base.pick(FIRST_NAMES), base.pick(LAST_NAMES)
    place = rng.integers(0, len(PLACES), size=n)
    zips = pl.Series([p[2] for p in PLACES]).gather(place) + pl.Series(rng.integers(0, 100, n))
    email = pl.format(
        "{}.{}{}@{}",
        first.str.to_lowercase(),
        last.str.to_lowercase().str.replace_all("'", "", literal=True),
        base.add(rng.integers(1, 1000, size=n)).cast(pl.String),
        base.pick(DOMAINS),
    )
    segment = base.pick(SEGMENTS, SEGMENT_WEIGHTS)
    columns = {
        # unique, in shuffled order
        "Customer ID": pl.lit("C-") + base.add(rng.permutation(n) + 1).cast(pl.String).str.zfill(7),
        "First Name": first,
        "Last Name": last,
        "Phone": phone_column(rng, n, duplicate_share=DUPLICATE_SHARE),
        "Mobile": phone_column(rng, n, empty_share=PERSONA_EMPTY_SHARE),
        "Work Phone": phone_column(rng, n, empty_share=PERSONA_EMPTY_SHARE),
        "Email": email,
        "City": base.add(pl.Series([p[0] for p in PLACES]).gather(place)),
        "State": base.add(pl.Series([p[1] for p in PLACES]).gather(place)),
        "Zip": base.add(zips).cast(pl.String).str.zfill(5),
        "Segment": pl.when(segment != "").then(segment),
    }
    return base.frame().select(
        **{name: (pl.lit(value) if isinstance(value, pl.Series) else value)
           for name, value in columns.items()})


def generate(path: str | Path, n: int = 1_000_000, seed: int = 42) -> Path:
    """Write n leads to path as UTF-8 CSV (LF line endings); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lead_frame(n, seed).write_csv(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    t0 = time.perf_counter()
    generate(args.out, args.leads, args.seed)
    print(f"{args.leads:,} leads -> {args.out} ({time.perf_counter() - t0:.2f} s, "
          f"{args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
