"""Stage 3, validate: the pandera schema of the canonical lead frame plus the domain rules.

pandera checks the frame's shape (row numbers, externId and leadPhone as text).
Each domain rule is a polars expression that is true for rows that pass, keyed by its reason
code; all rules run in one pass and every failing one is kept, so a row may carry several codes.
Duplicates are judged last, among rows that pass every other rule.
"""

from __future__ import annotations

import importlib.abc
import sys
import threading
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import polars as pl

from leadprep._codes import RejectCode
from leadprep._config import Config
from leadprep._exprs import format_text
from leadprep._map import MappedFrame
from leadprep._phone import normalize
from leadprep._timezone import is_iana_zone, phone_zones, single_zone, zones_text


@dataclass(frozen=True)
class ValidatedFrame:
    """`frame` is the trimmed canonical frame plus primary-phone columns (`_primary`,
    `_primary_e164`, `_country` (calling code), `_dropped_parts`) and `_reasons` (list of codes,
    empty when accepted) and `_message`."""

    mapped: MappedFrame
    frame: pl.DataFrame

    @property
    def accepted(self) -> pl.DataFrame:
        return self.frame.filter(pl.col("_reasons").list.len() == 0)

    @property
    def rejected(self) -> pl.DataFrame:
        return self.frame.filter(pl.col("_reasons").list.len() > 0)

    def asdict(self) -> dict[str, Any]:
        return {"rows": self.frame.height, "accepted": self.accepted.height,
                "rejected": self.rejected.height}


if TYPE_CHECKING:
    import pandera.polars as pa


@cache
def canonical_leads() -> type[pa.DataFrameModel]:
    """The pandera model of the canonical lead frame out of the map stage.

    Built on first use: importing pandera takes most of a second, which `warm_up` lets a run
    spend on a second core while the file is being read."""
    if _lean and "pandera" not in sys.modules:
        hidden = _ExtrasHidden()
        sys.meta_path.insert(0, hidden)
        try:
            return _canonical_model()
        except ImportError:  # a pandera that needs one of them after all: imported whole below
            for name in [n for n in sys.modules if n == "pandera" or n.startswith("pandera.")]:
                del sys.modules[name]
        finally:
            sys.meta_path.remove(hidden)
    return _canonical_model()


def _canonical_model() -> type[pa.DataFrameModel]:
    import pandera.polars as pa

    class CanonicalLeads(pa.DataFrameModel):
        """Row numbers and every lead field as text. Only names and types are checked: `_row`
        and `_line` are numbered by the reader, so value checks (unique, positive) could not
        fail, and cost a third of a second per million rows."""

        row: int = pa.Field(alias="_row")
        line: int = pa.Field(alias="_line")
        externId: str = pa.Field(nullable=True)
        leadPhone: str = pa.Field(nullable=True)

        class Config:
            strict = False

    # pandera registers its polars backend on the first validation: done here, so that it
    # happens on the warm-up thread too.
    CanonicalLeads.validate(pl.DataFrame(schema={
        "_row": pl.Int64, "_line": pl.Int64, "externId": pl.String, "leadPhone": pl.String}))
    return CanonicalLeads


def warm_up() -> None:
    """Import pandera and build the model on a background thread (see canonical_leads)."""
    threading.Thread(target=canonical_leads, name="leadprep-warm-up", daemon=True).start()


# pandera imports these when they are installed, for its pandas backend and its data
# generation; its polars API needs none of them.
PANDERA_EXTRAS = ("numpy", "pandas", "hypothesis")
_lean = False


def import_pandera_lean() -> None:
    """Have this process import pandera without PANDERA_EXTRAS: about 0.2 CPU s instead of
    1.2 when they are installed (as pandas is, next to the benchmark). Only for a process
    leadprep owns, such as the CLI's: pandera's top-level pandas API is then missing for the
    rest of the process. Call it before pandera is imported."""
    global _lean
    _lean = True


class _ExtrasHidden(importlib.abc.MetaPathFinder):
    """Finds PANDERA_EXTRAS missing, for imports made on one thread: other threads are
    unaffected while pandera is imported on it."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if threading.get_ident() == self.thread and name.partition(".")[0] in PANDERA_EXTRAS:
            raise ModuleNotFoundError(f"No module named '{name}'", name=name)
        return None


class KeptPhones:
    """For a file validated block by block: the primary phones earlier blocks kept, each with
    the row that has it, so that a later row with one is the duplicate it is in the whole file.
    A single number is held as a 64-bit number (the digits of its E.164 form), 16 bytes a
    phone; a pipe list of a SIMPLE campaign, which is its key as a whole, as text
    (number_keys). A block's phones are looked up with a hash join and its new ones appended
    as one more chunk: no copy of the store, and no binary search per phone (a cache miss per
    step: 0.23 s against 0.04 s for a block of 560k phones and a store of 2M)."""

    def __init__(self) -> None:
        self.numbers = pl.DataFrame(schema={"_key": pl.UInt64, "_first_row": pl.Int64})
        self.lists = pl.DataFrame(schema={"_key": pl.String, "_first_row": pl.Int64})

    def repeats(self, keyed: pl.DataFrame, local: pl.DataFrame) -> pl.DataFrame:
        """`local` (repeats within the block) with the rows repeating an earlier block's phone
        pointed at that block's row; the block's new phones are kept."""
        numbers, texts = number_keys(keyed)
        earlier_numbers, self.numbers = _seen_before(self.numbers, numbers)
        earlier_lists, self.lists = _seen_before(self.lists, texts)
        earlier = pl.concat([earlier_numbers, earlier_lists])
        is_earlier = pl.col("_row").is_in(earlier["_row"].implode())
        return pl.concat([earlier, local.filter(~is_earlier)]).sort("_row")


def _seen_before(
    store: pl.DataFrame, keyed: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows of `keyed` whose key `store` holds (once each), with the row kept for it; and
    the store with the other keys' first rows added."""
    earlier = keyed.join(store, on="_key", how="inner").select("_row", "_first_row")
    unseen = ~pl.col("_row").is_in(earlier["_row"].implode())
    new = keyed.filter(unseen & pl.col("_key").is_first_distinct())
    return earlier, pl.concat([store, new.select("_key", _first_row="_row")], rechunk=False)


def validate(
    mapped: MappedFrame, config: Config, kept: KeptPhones | None = None
) -> ValidatedFrame:
    """Check every row; return the frame with its reason codes. `kept`: the phones of the
    file's earlier blocks, when it is validated block by block."""
    canonical_leads().validate(mapped.frame.head(0))
    frame = _trim(mapped.frame)
    frame = _attach(frame, _primary_phones(frame, config))
    frame = _infer_lead_timezone(frame, config)
    rules = _rules(config, frame.columns)
    frame = _attach(frame, _failures(frame, rules)).with_columns(
        pl.col("_reasons").fill_null(pl.lit([], dtype=pl.List(pl.String)))
    )
    if config.load.duplicate_handling == "REMOVE_FROM_LIST":
        frame = _mark_duplicates(frame, kept)
    # Messages only for the rejected rows: most rows have none to build.
    rejected = frame.filter(pl.col("_reasons").list.len() > 0)
    messages = rejected.select("_row", _message=_messages(config, mapped, frame.columns))
    return ValidatedFrame(mapped, _attach(frame, messages))


def _attach(frame: pl.DataFrame, found: pl.DataFrame) -> pl.DataFrame:
    """`frame` with the columns of `found` (keyed by `_row`; null where it has no row).

    Only `_row` goes through the join and the looked-up columns are set beside the frame's
    own: a join of the whole frame would copy every one of its columns."""
    looked_up = frame.select("_row").join(found, on="_row", how="left", maintain_order="left")
    return frame.hstack(looked_up.drop("_row"))


def _trim(frame: pl.DataFrame) -> pl.DataFrame:
    """Strip whitespace; a field left empty is null (omitted from the lead). `_piped`: the
    primary holds a pipe (whitespace aside the same before and after the strip, so it is
    found in the same pass, beside the strips, on the other core)."""
    return frame.with_columns(
        pl.col(pl.String).str.strip_chars().replace("", None),
        _piped=pl.col("leadPhone").str.contains("|", literal=True).fill_null(False))


def _primary_phones(frame: pl.DataFrame, config: Config) -> pl.DataFrame:
    """Normalize the primary, part by part when a SIMPLE campaign allows pipe-delimited lists.

    One row per `_row` that has a primary. Rows with one number (all of them, unless pipes are
    split) are done row-wise; only pipe lists pay for the explode and group-by."""
    account = config.account
    phone = pl.col("leadPhone")
    split = pl.lit(False) if config.single_primary_required else pl.col("_piped")
    source = frame.lazy().select("_row", "leadPhone", "_piped")
    single, multi = pl.collect_all([
        source.filter(~split & phone.is_not_null()).select("_row", _part=phone),
        source.filter(split).select("_row", _part=phone.str.split("|")).explode("_part")
        .with_columns(pl.col("_part").str.strip_chars())
        .filter(pl.col("_part").is_not_null() & (pl.col("_part") != "")),
    ])
    parts = pl.concat([single, multi])
    phones = normalize(parts["_part"], account.default_region, account.phone_policy)
    parts = pl.concat([parts, phones], how="horizontal").with_columns(
        _ok=pl.col("accepted") & (pl.lit(account.e164) | (pl.col("country_code") == 1))
    )
    # parts holds the single numbers first, then the pipe-list parts.
    return pl.concat([_single_part(parts.head(single.height)),
                      _several_parts(parts.slice(single.height))],
                     how="vertical_relaxed")


_DROPPED_REASON = (
    pl.when(pl.col("accepted"))
    .then(pl.lit("not a NANP number, and the account is not enabled for E.164"))
    .otherwise(pl.col("reason"))
)


_DROPPED_PARTS = pl.List(pl.Struct({"value": pl.String, "reason": pl.String}))


def _single_part(parts: pl.DataFrame) -> pl.DataFrame:
    """A row with one number: no part is ever dropped from it (a bad number rejects the row),
    so `_dropped_parts` stays null rather than a list per row."""
    ok = pl.col("_ok")
    return parts.select(
        "_row",
        _primary=pl.when(ok).then(pl.col("national")),
        _primary_e164=pl.when(ok).then(pl.col("e164")),
        _ok_parts=ok.cast(pl.UInt32),
        _country=pl.when(ok).then(pl.col("country_code")),
        _parts=pl.lit(1, dtype=pl.UInt32),
        _non_nanp=pl.col("accepted") & ~ok,
        _first_reason=pl.col("reason"),
        _dropped_parts=pl.lit(None, dtype=_DROPPED_PARTS),
    )


def _several_parts(parts: pl.DataFrame) -> pl.DataFrame:
    return (
        parts.group_by("_row", maintain_order=True)
        .agg(
            _primary=pl.col("national").filter("_ok").str.join("|"),
            _primary_e164=pl.col("e164").filter("_ok").str.join("|"),
            _ok_parts=pl.col("_ok").sum().cast(pl.UInt32),
            _country=pl.col("country_code").filter("_ok").first(),
            _parts=pl.len().cast(pl.UInt32),
            _non_nanp=(pl.col("accepted") & ~pl.col("_ok")).any(),
            _first_reason=pl.col("reason").first(),
            _dropped_parts=pl.struct(value=pl.col("_part"), reason=_DROPPED_REASON)
            .filter(~pl.col("_ok")),
        )
        .with_columns(
            pl.when(pl.col("_ok_parts") == 0).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("_primary", "_primary_e164")
        )
    )


def _infer_lead_timezone(frame: pl.DataFrame, config: Config) -> pl.DataFrame:
    """[mapping] infer_timezone = "phone": an empty leadTimezone (mapped, or needed by
    EXPLICIT) takes the zone of the row's valid primary number(s) when phonenumbers knows
    exactly one. `_tz_tried` marks the rows looked up, `_tz_zones` holds what was found (for
    the messages and warnings of the rows left empty)."""
    if config.mapping.infer_timezone != "phone":
        return frame
    if "leadTimezone" not in frame.columns:
        if config.load.time_zone_option != "EXPLICIT":
            return frame
        frame = frame.with_columns(leadTimezone=pl.lit(None, pl.String))
    open_rows = frame.filter(pl.col("leadTimezone").is_null()
                             & pl.col("_primary_e164").is_not_null())
    found = phone_zones(open_rows.select("_row", _phone="_primary_e164"))
    frame = _attach(frame, found.with_columns(_tz_tried=pl.lit(True)))
    return frame.with_columns(
        leadTimezone=pl.coalesce("leadTimezone", single_zone(pl.col("_tz_zones"))),
        _tz_tried=pl.col("_tz_tried").fill_null(False))


def _rules(config: Config, columns: list[str]) -> dict[RejectCode, pl.Expr]:
    """Reason code -> expression that is true for rows passing the rule."""
    has_phone = pl.col("leadPhone").is_not_null() & (pl.col("_parts").fill_null(0) > 0)
    pipe_rejected = pl.col("_piped") if config.single_primary_required else pl.lit(False)
    no_ok_part = has_phone & ~pipe_rejected & (pl.col("_ok_parts") == 0)
    non_nanp = pl.col("_non_nanp").fill_null(False)
    rules = {
        RejectCode.MISSING_EXTERN_ID: pl.col("externId").is_not_null(),
        RejectCode.MISSING_PRIMARY_PHONE: has_phone,
        RejectCode.PIPE_DELIMITED_PRIMARY: ~pipe_rejected,
        RejectCode.INVALID_PRIMARY_PHONE: ~(no_ok_part & ~non_nanp),
        RejectCode.NON_NANP_PRIMARY: ~(no_ok_part & non_nanp),
    }
    if config.load.time_zone_option == "EXPLICIT" and "leadTimezone" in columns:
        rules[RejectCode.INVALID_LEAD_TIMEZONE] = is_iana_zone(pl.col("leadTimezone")).fill_null(
            False)
    return rules


def _failures(frame: pl.DataFrame, rules: dict[RejectCode, pl.Expr]) -> pl.DataFrame:
    """Every failing rule of every row, one row per failing `_row`, codes in RejectCode order.

    All rules are one polars pass; pandera's lazy failure-case frame (a row per failure, with
    the row's values) cost more than the rest of validation together on large files."""
    ordered = [code for code in RejectCode if code in rules]
    failed = pl.sum_horizontal(
        [(~rules[code].fill_null(False)).cast(pl.UInt32) * (1 << bit)
         for bit, code in enumerate(ordered)])
    found = frame.select("_row", _failed=failed).filter(pl.col("_failed") > 0)
    # A list per failing combination, not per row: rows share a handful of combinations,
    # and polars builds lists row by row slowly (0.10 s for 44k rows; 0.003 s this way).
    combinations = found["_failed"].unique().to_list()
    lists = pl.DataFrame({
        "_failed": pl.Series(combinations, dtype=pl.UInt32),
        "_reasons": pl.Series([[code.value for bit, code in enumerate(ordered) if mask >> bit & 1]
                               for mask in combinations], dtype=pl.List(pl.String)),
    })
    return found.join(lists, on="_failed", how="left", maintain_order="left").drop("_failed")


def _mark_duplicates(frame: pl.DataFrame, kept: KeptPhones | None) -> pl.DataFrame:
    """REMOVE_FROM_LIST: the first clean row with a phone is kept, later ones are rejected."""
    keyed = frame.lazy().filter(
        pl.col("_reasons").list.len() == 0, pl.col("_primary_e164").is_not_null()
    ).select("_row", _key="_primary_e164").collect()
    repeats = _repeats(keyed)
    if kept is not None:
        repeats = kept.repeats(keyed, repeats)
    duplicate = pl.col("_row").is_in(repeats["_row"].implode())
    return frame.with_columns(
        _first_row=pl.col("_row").replace_strict(repeats["_row"], repeats["_first_row"],
                                                 default=None, return_dtype=pl.Int64),
        _reasons=pl.when(duplicate)
        .then(pl.lit([RejectCode.DUPLICATE_PRIMARY_IN_FILE.value]))
        .otherwise(pl.col("_reasons")),
    )


def _repeats(keyed: pl.DataFrame) -> pl.DataFrame:
    """`_row` and `_first_row` of each row whose `_key` an earlier row (by `_row`) has."""
    numbers, texts = number_keys(keyed.sort("_row"))
    return pl.concat([_sorted_repeats(numbers), _sorted_repeats(texts)]).sort("_row")


def _sorted_repeats(keyed: pl.DataFrame) -> pl.DataFrame:
    """_repeats for rows in `_row` order: a stable sort by key brings each key's rows
    together, first row first, so a row repeats its key exactly when the row before it has
    the same key. (A sort of 64-bit keys is a third of the cost of hashing the text.)"""
    by_key = keyed.sort("_key", maintain_order=True)
    same = (pl.col("_key") == pl.col("_key").shift(1)).fill_null(False)
    return by_key.with_columns(
        _first_row=pl.when(same).then(None).otherwise(pl.col("_row")).forward_fill()
    ).filter(same).select("_row", "_first_row")


def number_keys(keyed: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows of `keyed` whose `_key` is one E.164 number, keyed by the 64-bit number of its
    digits (one to one: they never start with 0), and the others, keyed by text (a SIMPLE
    campaign's pipe lists; a number too long for 64 bits)."""
    digits = pl.col("_key").str.strip_prefix("+")
    number = pl.when(pl.col("_key").str.starts_with("+") & ~digits.str.starts_with("0")).then(
        digits.cast(pl.UInt64, strict=False))
    split = keyed.with_columns(_number=number)
    is_number = pl.col("_number").is_not_null()
    return (split.filter(is_number).select("_row", _key="_number"),
            split.filter(~is_number).select("_row", "_key"))


def _messages(config: Config, mapped: MappedFrame, columns: list[str]) -> pl.Expr:
    reasons = pl.col("_reasons")
    phone = pl.col("leadPhone").fill_null("")
    parts: list[tuple[RejectCode, pl.Expr]] = [
        (RejectCode.MISSING_EXTERN_ID, pl.lit("externId is empty")),
        (RejectCode.MISSING_PRIMARY_PHONE, pl.lit("leadPhone is empty")),
        (
            RejectCode.PIPE_DELIMITED_PRIMARY,
            format_text("leadPhone {} holds several numbers; a STRATEGIC campaign (or one with "
                      "persona phones) needs one primary number", _quoted(phone)),
        ),
        (
            RejectCode.INVALID_PRIMARY_PHONE,
            format_text("leadPhone {} is not a {} phone number for region {} ({})",
                      _quoted(phone), pl.lit(config.account.phone_policy),
                      pl.lit(config.account.default_region),
                      pl.col("_first_reason").fill_null("invalid")),
        ),
        (
            RejectCode.NON_NANP_PRIMARY,
            format_text("leadPhone {} is not a NANP (+1) number and the account is not enabled "
                      "for E.164 ([account] e164 = false)", _quoted(phone)),
        ),
    ]
    if "leadTimezone" in columns:
        parts.append((RejectCode.INVALID_LEAD_TIMEZONE, _zone_message(mapped, columns)))
    if "_first_row" in columns:
        parts.append((
            RejectCode.DUPLICATE_PRIMARY_IN_FILE,
            format_text("leadPhone {} repeats the phone of row {} (duplicate_handling "
                      "REMOVE_FROM_LIST)", pl.col("_primary_e164"), pl.col("_first_row")),
        ))
    return pl.concat_str(
        [pl.when(reasons.list.contains(code.value)).then(text) for code, text in parts],
        separator="; ",
        ignore_nulls=True,
    )


def _quoted(expr: pl.Expr) -> pl.Expr:
    return pl.lit("'") + expr + pl.lit("'")


def _zone_message(mapped: MappedFrame, columns: list[str]) -> pl.Expr:
    """Why leadTimezone fails EXPLICIT: the value (and its column) that is not an IANA ID, or
    an empty zone, with what the phone said when it was inferred."""
    source = mapped.fields.get("leadTimezone")
    column = "" if source is None else f" (column {mapped.header[source]!r})"
    zone = pl.col("leadTimezone")
    needed = "; time_zone_option EXPLICIT needs an IANA time zone ID such as America/New_York"
    invalid = format_text("leadTimezone {}{} is not an IANA time zone ID (exact case, e.g. "
                          "America/New_York), needed with time_zone_option EXPLICIT",
                          _quoted(zone.fill_null("")), pl.lit(column))
    empty = pl.lit(f"leadTimezone{column} is empty{needed}")
    if "_tz_tried" not in columns:
        return pl.when(zone.is_null()).then(empty).otherwise(invalid)
    zones = pl.col("_tz_zones")
    phone = pl.col("_primary_e164")
    several = format_text("leadTimezone{} is empty and phone {} lies in {}, so it was not "
                          "guessed{}", pl.lit(column), phone, zones_text(zones), pl.lit(needed))
    unknown = format_text("leadTimezone{} is empty and phonenumbers knows no time zone for "
                          "phone {}{}", pl.lit(column), phone, pl.lit(needed))
    return (pl.when(zone.is_not_null()).then(invalid)
            .when(pl.col("_tz_tried") & (zones.list.len() > 1)).then(several)
            .when(pl.col("_tz_tried")).then(unknown)
            .otherwise(empty))
