"""The columnar phone engine: phonenumbers' parse → is_valid_number / is_possible_number →
format(E164), replayed with polars expressions for the shapes lead files are made of.

A value takes the columnar path when it is ASCII digits with punctuation phonenumbers ignores
(spaces, - . ( ) / and their Unicode look-alikes), at most one leading +, and a common
extension ("x12", "ext. 12", "extension 12"). Everything else (letters, other extension forms,
full-width digits, tel: URIs, regions with national-prefix transform rules, a + not followed by
a country code) is answered by phonenumbers itself, once per distinct value of each slice
normalize() hands over. The replay follows phonenumberutil.parse step by step;
tests/test_phone_engine.py proves it value for value.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from leadprep._phone_meta import (
    Desc,
    RegionMeta,
    country_codes,
    full,
    main_region,
    prefix,
    region_meta,
    regions_for_code,
)

MIN_NSN = 2
MAX_NSN = 17
MAX_INPUT = 250
# Punctuation phonenumbers skips inside a number (its _VALID_PUNCTUATION without x, ~ and
# the full-width ~, which start extensions), as a regex class body.
_PUNCT = (r" ().\-/\u00a0\u00ad\u200b\u2060\u2010-\u2015\u2212\u30fc\u3000\uff0d-\uff0f"
          r"\uff08\uff09\[\]\uff3b\uff3d\u2053\u223c")
_SIMPLE = rf"^[{_PUNCT}]*\+?[0-9{_PUNCT}]*$"
# What a simple value loses on the way to its digits (the characters _PUNCT allows, and +).
_DROPPED = [" ", "(", ")", ".", "-", "/", "[", "]", "+", "\u00a0", "\u00ad", "\u200b", "\u2060",
            *map(chr, range(0x2010, 0x2016)), "\u2212", "\u30fc", "\u3000", "\uff0d", "\uff0e",
            "\uff0f", "\uff08", "\uff09", "\uff3b", "\uff3d", "\u2053", "\u223c"]
# Plain ASCII spellings (most values) are digits and at most one leading + once the
# _PLAIN_DROPPED punctuation is gone (byte mode: no Unicode tables).
_PLAIN = r"(?-u)^\+?[0-9]*$"
_PLAIN_DROPPED = [" ", "(", ")", ".", "-", "/"]
# The extension forms people type, as phonenumbers' extension pattern reads them: a label
# ("x" takes at most 9 digits, "ext"/"extn"/"extension" at most 20) after spaces, then digits
# to the end. The number is what comes before, when it ends with a digit; anything else
# with letters goes to phonenumbers. (_EXTENDED finds such values, and removing the
# leftmost match of _EXTENSION leaves their number: a label holds the value's only x, so
# only spaces and an "e" can stand between the number and it. Neither regex needs the
# captures that make an extract several times slower.)
_LABEL = (r"(?:x[:.]?[ \u00a0\-]*[0-9]{1,9}|ext(?:ension|n)?[:.]?[ \u00a0\-]*[0-9]{1,20})"
          r"#?[ \u00a0]*$")
_EXTENSION = rf"(?i)[ \u00a0]*{_LABEL}"
_EXTENDED = rf"(?i)[0-9][ \u00a0]*{_LABEL}"

LOCAL_ONLY = "local"
POSSIBLE = "possible"
TOO_SHORT = "too short"
TOO_LONG = "too long"
INVALID_LENGTH = "invalid length"
NOT_VALID = "not a valid number for its region"

Frame = pl.DataFrame


def _lengths_test(number: pl.Expr, general: Desc) -> pl.Expr:
    """phonenumbers' _test_number_length for the UNKNOWN type (the general description)."""
    length = number.str.len_chars()
    lengths = list(general.lengths)
    if not lengths:
        return pl.lit(INVALID_LENGTH)
    return (
        pl.when(length.is_in(list(general.local_lengths))).then(pl.lit(LOCAL_ONLY))
        .when(length == lengths[0]).then(pl.lit(POSSIBLE))
        .when(length < lengths[0]).then(pl.lit(TOO_SHORT))
        .when(length > lengths[-1]).then(pl.lit(TOO_LONG))
        .when(length.is_in(lengths[1:])).then(pl.lit(POSSIBLE))
        .otherwise(pl.lit(INVALID_LENGTH))
    )


def _pattern_matches(number: pl.Expr, pattern: str | None) -> pl.Expr:
    """_match_national_number: the whole number fits the pattern (lengths not checked)."""
    if not pattern:
        return pl.lit(False)
    return number.str.contains(full(pattern))


def _desc_matches(number: pl.Expr, pattern: str | None, lengths: tuple[int, ...]) -> pl.Expr:
    """_is_number_matching_desc: the length is allowed (when lengths are given) and it fits."""
    fits = _pattern_matches(number, pattern)
    if lengths:
        fits = number.str.len_chars().is_in(list(lengths)) & fits
    return fits


def _valid_in(number: pl.Expr, meta: RegionMeta) -> pl.Expr:
    """_number_type_helper != UNKNOWN: the general description and at least one type."""
    general = _desc_matches(number, meta.general.pattern, meta.general.lengths)
    kinds = [_desc_matches(number, g.pattern, g.lengths) for g in meta.type_groups]
    return general & pl.any_horizontal(kinds) if kinds else pl.lit(False)


def _prefix_length(number: pl.Expr, pattern: str) -> pl.Expr:
    """The length of the match of `pattern` at the start of `number`, or null. A plain digit
    string (most prefixes: "1", "0", "011", "00") needs no regex."""
    if pattern.isdigit():
        return pl.when(number.str.starts_with(pattern)).then(pl.lit(len(pattern), pl.UInt32))
    return number.str.extract(prefix(f"({pattern})"), 1).str.len_chars()


def _strip_national_prefix(number: pl.Expr, meta: RegionMeta) -> pl.Expr:
    """_maybe_strip_national_prefix_carrier_code without a transform rule."""
    npp = meta.national_prefix_for_parsing
    if not npp:
        return number
    found = _prefix_length(number, npp)
    rest = number.str.slice(found)
    keep = _pattern_matches(number, meta.general.pattern) & ~_pattern_matches(
        rest, meta.general.pattern)
    return pl.when(found.is_null() | keep | (number == "")).then(number).otherwise(rest)


def _split_country_code(digits: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """_extract_country_code: the first 1..3 digits that are a calling code, and the rest."""
    codes = [str(c) for c in country_codes()]
    code: pl.Expr = pl.lit(None, dtype=pl.String)
    for width in (3, 2, 1):  # the shortest match wins, so it is tried last and overrides
        head = digits.str.slice(0, width)
        code = pl.when((digits.str.len_chars() >= width) & head.is_in(codes)).then(head) \
            .otherwise(code)
    code = pl.when(digits.str.starts_with("0")).then(None).otherwise(code)
    return code, digits.str.slice(code.str.len_chars().fill_null(0))


def _split(values: pl.Series, home: RegionMeta) -> tuple[Frame, Frame, Frame]:
    """Three results: the home lane's answers, one row per value (null outside the lane);
    the other plain values as `_i` (position in `values`) and `_plain`; and the values that
    are not plain (nulls aside) as `_i` and `_value`.

    Nearly every value in a lead file is plain: ASCII digits, spaces, ( ) - . / and at most
    one + before the first digit. A replace over those six punctuation characters (on every
    value: cheaper than finding the plain ones first) leaves a plain value as an optional +
    and digits (`_plain`), and a value is plain exactly when that is all that is left. The
    other values meet the extension and Unicode-punctuation regexes (_shape_others).

    The lane is settled on one collected frame and everything else is taken from it: a
    regex costs tens of nanoseconds per value even where it fails at once (and as much on a
    null), so the checks only a few rows need run on those rows, filtered out first. The
    lane's answers stay in the order of `values`, so the rows outside it (a few in a
    hundred) are written into them in place instead of every answer being gathered back."""
    body, plain = pl.col("_value"), pl.col("_plain")
    frame = _with_lane(pl.DataFrame({"_value": values}).with_row_index("_i").lazy().with_columns(
        _plain=body.str.replace_many(_PLAIN_DROPPED, [""] * len(_PLAIN_DROPPED)),
        _short=body.str.len_bytes() <= MAX_INPUT), home)
    in_lane = pl.col("_lane")
    number = pl.when(in_lane).then(pl.col("_nn"))
    answers = frame.select(
        # concat_str is null where the number is: outside the lane.
        e164=pl.concat_str([pl.lit(f"+{home.country_code}"), number]),
        national=number,
        country_code=pl.when(in_lane).then(pl.lit(home.country_code, dtype=pl.Int32)),
        accepted=pl.when(in_lane).then(pl.lit(True)),
        reason=pl.when(in_lane).then(pl.lit(None, dtype=pl.String)),
    )
    # A value in the lane is plain (its national number fits a digits-only pattern): only
    # the others meet the regex.
    outside = frame.filter(~in_lane & body.is_not_null()).select(
        "_i", "_value", "_plain", _is_plain=pl.col("_short") & plain.str.contains(_PLAIN))
    is_plain = pl.col("_is_plain")
    return (answers, outside.filter(is_plain).select("_i", "_plain"),
            outside.filter(~is_plain).select("_i", "_value"))


def _simple(plain: Frame, others: Frame) -> tuple[Frame, pl.Series]:
    """The simple values as `_i`, `_digits` and `_plus` (a + leads), and the positions of
    the values that are not simple or too short, for phonenumbers."""
    plain = plain.select("_i", _digits=pl.col("_plain").str.strip_chars_start("+"),
                         _plus=pl.col("_plain").str.starts_with("+"))
    frame = pl.concat([plain, _shape_others(others)])
    enough = pl.col("_digits").str.len_bytes() >= 3
    return frame.filter(enough), frame.filter(~enough.fill_null(False))["_i"]


def _shape_others(frame: Frame) -> Frame:
    """`_i`, `_digits` (null when the value is not simple) and `_plus` for the values that
    are not plain: Unicode punctuation, extensions, letters."""
    body, number = pl.col("_value"), pl.col("_number")
    frame = frame.select(
        "_i",
        _short=body.str.len_chars() <= MAX_INPUT,
        _number=pl.when(body.str.contains(_EXTENDED))
        .then(body.str.replace(_EXTENSION, "")).otherwise(body),
    )
    simple = pl.col("_short") & number.str.contains(_SIMPLE)
    return frame.select(
        "_i",
        _digits=pl.when(simple).then(number.str.replace_many(_DROPPED, [""] * len(_DROPPED))),
        _plus=number.str.contains("+", literal=True),
    )


def _has_lane(home: RegionMeta) -> bool:
    """Whether `_with_lane` applies: the home region is the main region of its calling code
    and claims every number valid in it (no leading digits, so it is the first region
    phonenumbers tries), its numbers have lengths, and parse needs no transform rule."""
    return (main_region(home.country_code) == home.key and not home.leading_digits
            and not home.has_transform_rule and bool(home.general.pattern)
            and bool(home.general.lengths))


def _with_lane(lazy: pl.LazyFrame, home: RegionMeta) -> Frame:
    """`_lane`: the plain values that are numbers of the home calling code which parse
    leaves alone and which are valid in the home region, the bulk of a lead file; `_nn`:
    their national number. The rest take the step-by-step replay.

    A row is in the lane when its national number is the digits after "+<code>", or after
    "<code>" where the whole is no home number but the rest is (the home code written
    without +), or all the digits when they start with neither the code nor the
    international prefix; and it does not start with the national prefix, has 2..17
    digits and is valid in the home region. For those rows every step of the replay is a
    no-op or settles the same way: the code is the home code (codes are prefix-free), the
    metadata is the home region's, no prefix is stripped, and the home region, tried
    first, finds the number valid (so it is possible too, and either policy accepts it)."""
    if not _has_lane(home):
        return lazy.with_columns(_lane=pl.lit(False), _nn=pl.lit(None, dtype=pl.String)) \
            .collect()
    code = str(home.country_code)
    plain = pl.col("_plain")
    own = plain.str.starts_with(code)
    starts_plus_code = plain.str.starts_with(f"+{code}")
    idd = (_prefix_length(plain, home.international_prefix).is_not_null()
           if home.international_prefix else pl.lit(False))
    lazy = lazy.with_columns(
        _own=own,
        # A + must be followed by the home code, and the digits must not start with the
        # international prefix (phonenumbers would read a country code after it).
        _eligible=pl.col("_short") & (starts_plus_code | ~(plain.str.starts_with("+") | idd)),
        _nn=plain.str.slice(
            pl.when(starts_plus_code).then(len(code) + 1).when(own).then(len(code))
            .otherwise(0)),
    )
    number = pl.col("_nn")
    national_prefix = (
        _prefix_length(number, home.national_prefix_for_parsing).is_not_null()
        if home.national_prefix_for_parsing else pl.lit(False))
    length = number.str.len_bytes()
    frame = lazy.with_columns(_lane=(
        pl.col("_eligible") & (length >= MIN_NSN) & (length <= MAX_NSN)
        & (plain.str.len_bytes() >= 3) & ~national_prefix & _valid_in(number, home)
    ).fill_null(False)).collect()
    # The home code written without +: the rest is the number unless the whole is a home
    # number itself. Only those rows (a few in a hundred) meet the general pattern again.
    whole_is_home = frame.filter(pl.col("_lane") & pl.col("_own")).filter(
        _pattern_matches(plain, home.general.pattern))["_i"]
    if whole_is_home.is_empty():
        return frame
    return frame.with_columns(frame["_lane"].scatter(whole_is_home, False))


def _extract_code(frame: Frame, home: RegionMeta) -> Frame:
    """_maybe_extract_country_code for simple values: country code (`_cc`), national number
    (`_nn`), and the metadata the rest of parse uses (`_meta`; null: the main region of
    `_cc`). Rows it cannot settle get `_fallback`, rows parse rejects get `_error`.

    Each step is its own column, so no subexpression runs twice, and each branch only sees
    its own rows: most numbers are domestic and never meet the country-code columns."""
    digits, plus = pl.col("_digits"), pl.col("_plus")
    if home.international_prefix:
        frame = frame.with_columns(_idd=_prefix_length(digits, home.international_prefix))
        frame = frame.with_columns(
            _by_idd=~plus & pl.col("_idd").is_not_null()
            & ~digits.str.slice(pl.col("_idd").fill_null(0)).str.starts_with("0"))
    else:
        frame = frame.with_columns(_idd=pl.lit(None, pl.UInt32), _by_idd=pl.lit(False))
    intl = frame.filter(plus | pl.col("_by_idd"))
    domestic = frame.filter(~plus & ~pl.col("_by_idd"))
    keep = ["_i", "_cc", "_nn", "_meta", "_error", "_fallback"]
    return pl.concat([_international(intl).select(keep), _home_code(domestic, home).select(keep)],
                     how="vertical_relaxed")


def _international(frame: Frame) -> Frame:
    """A + or an international prefix: the calling code follows."""
    plus = pl.col("_plus")
    frame = frame.with_columns(_number=pl.when(plus).then(pl.col("_digits"))
                               .otherwise(pl.col("_digits").str.slice(pl.col("_idd"))))
    code, _ = _split_country_code(pl.col("_number"))
    frame = frame.with_columns(_code=code)
    short = pl.col("_number").str.len_chars() <= MIN_NSN
    missing = pl.col("_code").is_null()
    return frame.with_columns(
        _error=pl.when(short).then(pl.lit("too short after the international prefix"))
        .when(~plus & missing).then(pl.lit("invalid country code")),
        # phonenumbers retries a + whose code is unknown without the +: its business.
        _fallback=plus & missing & ~short,
        _cc=pl.col("_code").cast(pl.Int32, strict=False),
        _nn=pl.col("_number").str.slice(pl.col("_code").str.len_chars().fill_null(0)),
        _meta=pl.lit(None, dtype=pl.String),
    )


def _home_code(frame: Frame, home: RegionMeta) -> Frame:
    """The default-country branch: a national number that starts with the home calling code
    loses it when the rest fits the home plan better (or the whole is too long); then parse
    goes on with the main region of that code. Otherwise the home region's metadata."""
    home_code = str(home.country_code)
    digits = pl.col("_digits")
    starts = digits.str.starts_with(home_code)
    cand = frame.filter(starts).with_columns(
        _stripped=_strip_national_prefix(digits.str.slice(len(home_code)), home))
    cand = cand.with_columns(_takes=(
        (~_pattern_matches(digits, home.general.pattern)
         & _pattern_matches(pl.col("_stripped"), home.general.pattern))
        | (_lengths_test(digits, home.general) == TOO_LONG)))
    taken = pl.col("_takes")
    cand = cand.with_columns(
        _nn=pl.when(taken).then(pl.col("_stripped")).otherwise(digits),
        _meta=pl.when(taken).then(pl.lit(None, dtype=pl.String)).otherwise(pl.lit(home.key)),
    )
    rest = frame.filter(~starts).with_columns(_nn=digits, _meta=pl.lit(home.key))
    return pl.concat([cand, rest], how="diagonal_relaxed").with_columns(
        _cc=pl.lit(home.country_code, dtype=pl.Int32),
        _error=pl.lit(None, dtype=pl.String),
        # A transform rule rewrites the number as it strips the prefix: phonenumbers' job.
        _fallback=pl.lit(home.has_transform_rule),
    )


def _by(frame: Frame, column: str, work: Callable[[Frame, object], Frame]) -> Frame:
    """Run `work` on each group of rows sharing `column`'s value, with that value as a literal
    (one small regex per region beats one big one for every region). An empty frame stays
    empty, with the columns `work` adds missing."""
    if frame.is_empty():
        return frame
    parts = frame.partition_by(column, as_dict=True, maintain_order=True)
    return pl.concat([work(part, key[0]) for key, part in parts.items()], how="diagonal_relaxed")


def _national(part: Frame, key: object) -> Frame:
    """The national-prefix step of parse, for rows parsed with one region's metadata. Only
    rows that start with the national prefix have anything to decide."""
    meta = region_meta(str(key))
    if meta.has_transform_rule:
        return part.with_columns(_fallback=pl.lit(True))
    number = pl.col("_nn")
    part = part.with_columns(_error=pl.when(number.str.len_chars() < MIN_NSN)
                             .then(pl.lit("too short")))
    if meta.national_prefix_for_parsing:
        found = _prefix_length(number, meta.national_prefix_for_parsing).is_not_null()
        hit = part.filter(found)
        stripped = _strip_national_prefix(number, meta)
        hit = hit.with_columns(_np_stripped=stripped).with_columns(
            _nn=pl.when(_lengths_test(pl.col("_np_stripped"), meta.general).is_in(
                [TOO_SHORT, LOCAL_ONLY, INVALID_LENGTH])).then(number)
            .otherwise(pl.col("_np_stripped")))
        part = pl.concat([hit.drop("_np_stripped"), part.filter(~found)])
    length = pl.col("_nn").str.len_chars()
    return part.with_columns(_error=pl.coalesce(
        "_error",
        pl.when(length < MIN_NSN).then(pl.lit("too short"))
        .when(length > MAX_NSN).then(pl.lit("too long")),
    ))


def _judge(part: Frame, key: object, policy: str) -> Frame:
    """is_valid_number and is_possible_number_with_reason, for rows of one calling code."""
    code = int(str(key))
    number = pl.col("_nn")
    part = part.with_columns(
        _possible=_lengths_test(number, region_meta(main_region(code)).general))
    judged = _valid_for_code(part, regions_for_code(code))
    is_possible = pl.col("_possible").is_in([POSSIBLE, LOCAL_ONLY])
    accepted = pl.col("_valid") if policy == "valid" else is_possible
    return judged.with_columns(
        accepted=accepted,
        reason=pl.when(accepted).then(None)
        .when(~is_possible).then(pl.col("_possible"))
        .otherwise(pl.lit(NOT_VALID)),
    )


def _valid_for_code(part: Frame, regions: tuple[str, ...]) -> Frame:
    """`_valid` as phonenumbers decides it for a code shared by `regions`: the first region
    whose leading digits match (or, without leading digits, where the number is valid)
    decides. A row whose number matches no region's leading digits can only be claimed by
    the regions without them, in order, so it is valid exactly when one of those finds it
    valid; rows leave as soon as that is settled."""
    number = pl.col("_nn")
    decided: list[Frame] = []
    # Regions before the first one with leading digits claim exactly the numbers valid in
    # them, whatever their digits (US, first of +1): settle those rows before anything else.
    while regions and not region_meta(regions[0]).leading_digits and not part.is_empty():
        part = part.with_columns(_valid=_valid_in(number, region_meta(regions[0])))
        decided.append(part.filter("_valid"))
        part = part.filter(~pl.col("_valid"))
        regions = regions[1:]
    with_digits = [r for r in regions if region_meta(r).leading_digits]
    if with_digits:
        any_digits = "|".join(f"(?:{region_meta(r).leading_digits})" for r in with_digits)
        part = part.with_columns(_led=number.str.contains(prefix(any_digits)))
        led, plain = part.filter("_led"), part.filter(~pl.col("_led"))
    else:
        led, plain = part.clear(), part
    for region in (r for r in regions if not region_meta(r).leading_digits):
        if plain.is_empty():
            break
        plain = plain.with_columns(_valid=_valid_in(number, region_meta(region)))
        decided.append(plain.filter("_valid"))
        plain = plain.filter(~pl.col("_valid"))
    decided.append(plain.with_columns(_valid=pl.lit(False)))
    decided.append(_ordered_lookup(led, regions))
    return pl.concat(decided, how="diagonal_relaxed")


def _ordered_lookup(part: Frame, regions: tuple[str, ...]) -> Frame:
    """phonenumbers' region lookup, region by region, for rows some leading digits match."""
    number = pl.col("_nn")
    decided: list[Frame] = []
    for region in regions:
        if part.is_empty():
            break
        meta = region_meta(region)
        part = part.with_columns(_valid=_valid_in(number, meta))
        claims = number.str.contains(prefix(meta.leading_digits)) if meta.leading_digits \
            else pl.col("_valid")
        part = part.with_columns(_claims=claims)
        decided.append(part.filter("_claims"))
        part = part.filter(~pl.col("_claims"))
    decided.append(part.with_columns(_valid=pl.lit(False)))
    return pl.concat(decided, how="diagonal_relaxed")


def columnar_answers(values: pl.Series, region: str, policy: str) -> tuple[Frame, pl.Series]:
    """Answers (e164, national, country_code, accepted, reason), one row per value; a row is
    null throughout (`accepted` too) for a null value and for a value left to phonenumbers,
    whose positions come second. Values are not deduplicated: in lead files nearly every
    phone is distinct, and a unique plus a join back cost more than they save."""
    home = region_meta(region)
    answers, plain, others = _split(values, home)
    simple, left = _simple(plain, others)
    coded = _with_meta_keys(_extract_code(simple, home))
    fallback, error = pl.col("_fallback"), pl.col("_error").is_not_null()
    to_phonenumbers = [left, coded.filter(fallback)["_i"]]
    errors = [coded.filter(~fallback & error)]
    national = _by(coded.filter(~fallback & ~error), "_meta", _national)
    to_phonenumbers.append(national.filter(fallback)["_i"])
    national = national.filter(~fallback)
    errors.append(national.filter(error))
    judged = _by(national.filter(~error), "_cc", lambda part, key: _judge(part, key, policy))
    if judged.is_empty():
        judged = judged.with_columns(accepted=pl.lit(False), reason=pl.lit(None, pl.String))
    replayed = pl.concat([
        judged.select(
            "_i",
            pl.concat_str([pl.lit("+"), pl.col("_cc").cast(pl.String), pl.col("_nn")])
            .alias("e164"),
            pl.col("_nn").alias("national"),
            pl.col("_cc").alias("country_code"),
            "accepted",
            "reason",
        ),
        pl.concat(errors, how="diagonal_relaxed").select(
            "_i",
            pl.lit(None, dtype=pl.String).alias("e164"),
            pl.lit(None, dtype=pl.String).alias("national"),
            pl.lit(None, dtype=pl.Int32).alias("country_code"),
            pl.lit(False).alias("accepted"),
            pl.col("_error").alias("reason"),
        ),
    ], how="vertical_relaxed")
    return put_rows(answers, replayed), pl.concat(to_phonenumbers)


def put_rows(answers: Frame, rows: Frame) -> Frame:
    """`answers` with row `_i` replaced by each row of `rows` (which has `_i` and the
    columns of `answers`): a scatter per column, in place of a gather of every row."""
    if rows.is_empty():
        return answers
    index = rows["_i"]
    return pl.DataFrame([
        answers[name].scatter(index, rows[name].cast(answers.schema[name]))
        for name in answers.columns
    ])


def _with_meta_keys(frame: Frame) -> Frame:
    """The metadata parse continues with: the home region's when no code was taken from the
    number, else the main region of the code (phonenumbers swaps when they differ)."""
    mains = {code: main_region(code) for code in country_codes()}
    return frame.with_columns(_meta=pl.coalesce(
        "_meta", pl.col("_cc").replace_strict(mains, default=None, return_dtype=pl.String)))
