"""Stage 4, transform: accepted rows become leads with their final values, plus warnings.

Phones are normalized (SPEC section 5), text is already trimmed, persona phones go under their
configured labels, and every value changed or dropped on an accepted row is a warning.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import polars as pl

from leadprep._codes import WarningCode
from leadprep._config import Config
from leadprep._exprs import format_text
from leadprep._map import MappedFrame
from leadprep._phone import normalize
from leadprep._timezone import is_ambiguous, zones_text
from leadprep._validate import ValidatedFrame

_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s.]+$"
# auxPhone and callerId are normalized like persona phones (SPEC section 5).
_SECONDARY_PHONES = {
    "auxPhone": WarningCode.INVALID_AUX_PHONE,
    "callerId": WarningCode.INVALID_CALLER_ID,
}
WARNING_SCHEMA: dict[str, pl.DataType] = {
    "_row": pl.Int64(),
    "_code": pl.String(),
    "_field": pl.String(),
    "_value": pl.String(),
    "_message": pl.String(),
}


@dataclass(frozen=True)
class Leads:
    """`frame`: `_row` plus one column per lead field (final values, null = omitted);
    `extendedLeadData` and `personaPhoneConfig` are structs keyed as in the request body."""

    frame: pl.DataFrame
    warnings: pl.DataFrame

    def asdict(self) -> dict[str, Any]:
        return {"leads": self.frame.height, "warnings": self.warnings.height}


def transform(validated: ValidatedFrame, config: Config) -> Leads:
    mapped = validated.mapped
    rows = _accepted_rows(validated)
    answers = _secondary_answers(rows, mapped, config)
    with ThreadPoolExecutor(1) as beside:
        # The email regex and the persona phones each run on one core: side by side.
        email = beside.submit(_email, rows, mapped) if "email" in mapped.fields else None
        personas = [
            _phone_to_e164(
                rows, persona.column, f"personaPhoneConfig[{persona.label!r}]",
                WarningCode.INVALID_PERSONA_PHONE, WarningCode.PIPE_DELIMITED_PERSONA,
                answers[persona.column], mapped.header[persona.source],
            )
            for persona in mapped.personas
        ]
        return _leads(rows, mapped, config, answers, email, personas)


def _leads(
    rows: pl.DataFrame, mapped: MappedFrame, config: Config, answers: dict[str, pl.DataFrame],
    email: Future[tuple[pl.Series, pl.DataFrame]] | None,
    personas: list[tuple[pl.Series, pl.DataFrame]],
) -> Leads:
    out = rows.select("_row")
    warnings: list[pl.DataFrame] = [_dropped_part_warnings(rows, mapped)]
    fields = list(mapped.fields)
    if "leadTimezone" in rows.columns and "leadTimezone" not in fields:
        fields.append("leadTimezone")  # inferred from the phone (EXPLICIT without a column)
    for field in fields:
        if field == "leadPhone":
            out = out.with_columns(leadPhone=rows["_primary"])
            if config.account.e164:
                out = out.with_columns(leadPhoneE164=rows["_primary_e164"])
        elif field in _SECONDARY_PHONES:
            values, warned = _phone_to_e164(
                rows, field, field, _SECONDARY_PHONES[field], None, answers[field],
                _header(mapped, field)
            )
            out = out.with_columns(values)
            warnings.append(warned)
        elif field == "email" and email is not None:
            values, warned = email.result()
            out = out.with_columns(values.alias("email"))
            warnings.append(warned)
        else:
            out = out.with_columns(rows[field])
    if "_tz_zones" in rows.columns:
        source = mapped.fields.get("leadTimezone")
        where = "leadTimezone" if source is None else mapped.header[source]
        warnings.append(ambiguous_zone_warnings(
            rows.filter(pl.col("leadTimezone").is_null()), where, "leadTimezone",
            pl.col("_primary_e164"), "it is sent without one"))
    if mapped.extended:
        out = out.with_columns(
            extendedLeadData=pl.struct(
                [rows[col].alias(key) for key, (_, col) in mapped.extended.items()]
            )
        )
    if mapped.personas:
        persona_values = []
        for persona, (values, warned) in zip(mapped.personas, personas, strict=True):
            persona_values.append(values.alias(persona.label))
            warnings.append(warned)
        out = out.with_columns(personaPhoneConfig=pl.struct(persona_values))
    all_warnings = pl.concat(warnings).sort("_row", "_code", maintain_order=True)
    return Leads(out, all_warnings)


def _accepted_rows(validated: ValidatedFrame) -> pl.DataFrame:
    """The accepted rows, with only the columns leads are made of: filtering copies what it
    keeps, and the validated frame carries many more (raw fields, reasons, phone parts)."""
    mapped = validated.mapped
    wanted = ["_row", "_primary", "_primary_e164", "_dropped_parts", *mapped.fields,
              "leadTimezone", "_tz_zones",
              *(p.column for p in mapped.personas), *(c for _, c in mapped.extended.values())]
    frame = validated.frame
    columns = [c for c in dict.fromkeys(wanted) if c in frame.columns]
    accepted = pl.col("_reasons").list.len() == 0
    return frame.select(*columns, "_reasons").filter(accepted).drop("_reasons")


def _secondary_answers(
    rows: pl.DataFrame, mapped: MappedFrame, config: Config
) -> dict[str, pl.DataFrame]:
    """normalize() answers for every persona, aux and caller-ID column, from one call on the
    columns stacked: one engine pass (and one split across threads) instead of one per column."""
    columns = [c for c in _SECONDARY_PHONES if c in mapped.fields]
    columns += [persona.column for persona in mapped.personas]
    if not columns:
        return {}
    stacked = pl.concat([rows[c] for c in columns])
    answers = normalize(stacked, config.account.default_region, config.account.phone_policy)
    return {c: answers.slice(i * rows.height, rows.height) for i, c in enumerate(columns)}


def _header(mapped: MappedFrame, field: str) -> str:
    return mapped.header[mapped.fields[field]]


def _empty_warnings() -> pl.DataFrame:
    return pl.DataFrame(schema=WARNING_SCHEMA)


def _phone_to_e164(
    rows: pl.DataFrame,
    column: str,
    target: str,
    invalid_code: WarningCode,
    pipe_code: WarningCode | None,
    phones: pl.DataFrame,
    source: str,
) -> tuple[pl.Series, pl.DataFrame]:
    """E.164 when valid (`phones`: normalize's answers for the column); else null and a
    warning. A pipe list is never split here."""
    raw = pl.col("_value")
    piped = (raw.str.contains("|", literal=True).fill_null(False) if pipe_code is not None
             else pl.lit(False))
    table = pl.concat(
        [rows.select("_row", pl.col(column).alias("_value")), phones], how="horizontal"
    ).with_columns(_piped=piped)
    # A value is dropped when it is a pipe list or not accepted (every value has an answer).
    ok = raw.is_not_null() & ~pl.col("_piped") & pl.col("accepted")
    values = table.select(pl.when(ok).then(pl.col("e164")).alias(target)).to_series()
    invalid = format_text(
        "{} '{}' is not a valid phone number ({}); the value was dropped",
        pl.lit(target), raw, pl.col("reason").fill_null("invalid"),
    )
    several = format_text(
        "{} '{}' holds several numbers; it takes one, so the value was dropped",
        pl.lit(target), raw,
    )
    warned = table.filter(raw.is_not_null() & ~ok).select(
        "_row",
        pl.when(pl.col("_piped"))
        .then(pl.lit(pipe_code.value if pipe_code else None))
        .otherwise(pl.lit(invalid_code.value))
        .alias("_code"),
        pl.lit(source).alias("_field"),
        pl.col("_value"),
        pl.when(pl.col("_piped")).then(several).otherwise(invalid).alias("_message"),
    )
    return values, warned.cast(pl.Schema(WARNING_SCHEMA))


def _email(rows: pl.DataFrame, mapped: MappedFrame) -> tuple[pl.Series, pl.DataFrame]:
    # The regex once: it is most of the cost.
    checked = rows.select("_row", "email", _ok=pl.col("email").str.contains(_EMAIL))
    ok = pl.col("_ok")
    values = checked.select(pl.when(ok).then(pl.col("email")).alias("email")).to_series()
    warned = checked.filter(pl.col("email").is_not_null() & ~ok).select(
        "_row",
        pl.lit(WarningCode.INVALID_EMAIL.value).alias("_code"),
        pl.lit(_header(mapped, "email")).alias("_field"),
        pl.col("email").alias("_value"),
        format_text("email '{}' is not an email address; the value was dropped",
                  pl.col("email")).alias("_message"),
    )
    return values, warned.cast(pl.Schema(WARNING_SCHEMA))


def _dropped_part_warnings(rows: pl.DataFrame, mapped: MappedFrame) -> pl.DataFrame:
    # A row with one number never drops a part: its list is null (_validate._single_part).
    if "_dropped_parts" not in rows.columns or rows["_dropped_parts"].null_count() == rows.height:
        return _empty_warnings()
    parts = rows.select("_row", "_dropped_parts").explode("_dropped_parts").drop_nulls(
        "_dropped_parts"
    ).unnest("_dropped_parts")
    return parts.select(
        "_row",
        pl.lit(WarningCode.DROPPED_PIPE_PART.value).alias("_code"),
        pl.lit(_header(mapped, "leadPhone")).alias("_field"),
        pl.col("value").alias("_value"),
        format_text("leadPhone part '{}' was dropped ({}); the other parts were kept",
                  pl.col("value"), pl.col("reason").fill_null("invalid")).alias("_message"),
    ).cast(pl.Schema(WARNING_SCHEMA))


def ambiguous_zone_warnings(
    rows: pl.DataFrame, where: str, field: str, phone: pl.Expr, then: str
) -> pl.DataFrame:
    """AMBIGUOUS_PHONE_TIMEZONE for the rows of `rows` whose `_tz_zones` (the zones of their
    phone) are several: `field` was left empty, not guessed; `then` says what happens."""
    several = rows.filter(is_ambiguous(pl.col("_tz_zones")))
    return several.select(
        "_row",
        pl.lit(WarningCode.AMBIGUOUS_PHONE_TIMEZONE.value).alias("_code"),
        pl.lit(where).alias("_field"),
        phone.alias("_value"),
        format_text("{} not inferred: phone {} lies in {}, and none is guessed; {}",
                    pl.lit(field), phone, zones_text(pl.col("_tz_zones")), pl.lit(then))
        .alias("_message"),
    ).cast(pl.Schema(WARNING_SCHEMA))
