"""Stable reason, warning and file-error codes (SPEC section 6).

The string values are part of the public contract: they appear in rejects.csv, warnings.csv,
summary.json and error messages, and never change meaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class RejectCode(StrEnum):
    """Why a row is not loaded. The row is kept in rejects.csv exactly as read."""

    TOO_FEW_FIELDS = "TOO_FEW_FIELDS"
    TOO_MANY_FIELDS = "TOO_MANY_FIELDS"
    MALFORMED_QUOTING = "MALFORMED_QUOTING"
    INVALID_ENCODING = "INVALID_ENCODING"
    CONTROL_CHARACTER = "CONTROL_CHARACTER"
    FIELD_TOO_LARGE = "FIELD_TOO_LARGE"
    BLANK_ROW = "BLANK_ROW"
    MISSING_EXTERN_ID = "MISSING_EXTERN_ID"
    MISSING_PRIMARY_PHONE = "MISSING_PRIMARY_PHONE"
    PIPE_DELIMITED_PRIMARY = "PIPE_DELIMITED_PRIMARY"
    INVALID_PRIMARY_PHONE = "INVALID_PRIMARY_PHONE"
    NON_NANP_PRIMARY = "NON_NANP_PRIMARY"
    INVALID_LEAD_TIMEZONE = "INVALID_LEAD_TIMEZONE"
    DUPLICATE_PRIMARY_IN_FILE = "DUPLICATE_PRIMARY_IN_FILE"
    # leadprep actions only
    MALFORMED_EXTERN_ID = "MALFORMED_EXTERN_ID"


STRUCTURAL_CODES: frozenset[RejectCode] = frozenset(
    {
        RejectCode.TOO_FEW_FIELDS,
        RejectCode.TOO_MANY_FIELDS,
        RejectCode.MALFORMED_QUOTING,
        RejectCode.INVALID_ENCODING,
        RejectCode.CONTROL_CHARACTER,
        RejectCode.FIELD_TOO_LARGE,
        RejectCode.BLANK_ROW,
    }
)


class WarningCode(StrEnum):
    """The row is loaded, but a value in it was changed or dropped."""

    INVALID_PERSONA_PHONE = "INVALID_PERSONA_PHONE"
    PIPE_DELIMITED_PERSONA = "PIPE_DELIMITED_PERSONA"
    INVALID_AUX_PHONE = "INVALID_AUX_PHONE"
    INVALID_CALLER_ID = "INVALID_CALLER_ID"
    DROPPED_PIPE_PART = "DROPPED_PIPE_PART"
    INVALID_EMAIL = "INVALID_EMAIL"
    # [mapping] infer_timezone = "phone"
    AMBIGUOUS_PHONE_TIMEZONE = "AMBIGUOUS_PHONE_TIMEZONE"
    # --format jaicp only
    INVALID_GMT_ZONE = "INVALID_GMT_ZONE"
    INVALID_DIALER_PRIORITY = "INVALID_DIALER_PRIORITY"
    DUPLICATE_JAICP_PHONE = "DUPLICATE_JAICP_PHONE"
    # --format contacts only
    INVALID_CONTACT_TIMEZONE = "INVALID_CONTACT_TIMEZONE"
    # leadprep actions only
    DUPLICATE_ACTION_ID = "DUPLICATE_ACTION_ID"


class FileErrorCode(StrEnum):
    """The file as a whole cannot be read; nothing is written (exit code 3)."""

    EMPTY_FILE = "EMPTY_FILE"
    BINARY_FILE = "BINARY_FILE"
    UNDECIDABLE_ENCODING = "UNDECIDABLE_ENCODING"
    DELIMITER_UNDETECTED = "DELIMITER_UNDETECTED"
    UNTERMINATED_QUOTE = "UNTERMINATED_QUOTE"
    AMBIGUOUS_HEADER = "AMBIGUOUS_HEADER"
    BLANK_HEADER = "BLANK_HEADER"
    FILE_NOT_FOUND = "FILE_NOT_FOUND"


REJECT_DESCRIPTIONS: dict[RejectCode, str] = {
    RejectCode.TOO_FEW_FIELDS: "the record has fewer fields than the header",
    RejectCode.TOO_MANY_FIELDS: "the record has more fields than the header",
    RejectCode.MALFORMED_QUOTING: 'a quoted field is followed by other text, as in "Smith" Jr',
    RejectCode.INVALID_ENCODING: "the line is not valid in the file's encoding",
    RejectCode.CONTROL_CHARACTER: "a field holds NUL or another control character",
    RejectCode.FIELD_TOO_LARGE: "a field is longer than the field size limit",
    RejectCode.BLANK_ROW: "every field is empty or whitespace",
    RejectCode.MISSING_EXTERN_ID: "the external ID is empty",
    RejectCode.MISSING_PRIMARY_PHONE: "the primary phone is empty",
    RejectCode.PIPE_DELIMITED_PRIMARY: "several primary phones in a STRATEGIC campaign",
    RejectCode.INVALID_PRIMARY_PHONE: "the primary phone is not a valid phone number",
    RejectCode.NON_NANP_PRIMARY: "a non-NANP primary phone on an account without E.164",
    RejectCode.INVALID_LEAD_TIMEZONE: "EXPLICIT time zones need a valid IANA zone",
    RejectCode.DUPLICATE_PRIMARY_IN_FILE: "the same primary phone appeared on an earlier row",
    RejectCode.MALFORMED_EXTERN_ID: "actions: the externId holds a tab or line break, or is a "
    "spreadsheet's scientific notation (1.23457E+11) that lost the id's digits",
}

WARNING_DESCRIPTIONS: dict[WarningCode, str] = {
    WarningCode.INVALID_PERSONA_PHONE: "a persona phone is not valid and was dropped",
    WarningCode.PIPE_DELIMITED_PERSONA: "a persona phone holds several numbers and was dropped",
    WarningCode.INVALID_AUX_PHONE: "auxPhone is not valid and was dropped",
    WarningCode.INVALID_CALLER_ID: "callerId is not valid and was dropped",
    WarningCode.DROPPED_PIPE_PART: "one part of a pipe-delimited primary was invalid and dropped",
    WarningCode.INVALID_EMAIL: "the email address is malformed and was dropped",
    WarningCode.AMBIGUOUS_PHONE_TIMEZONE: "the time zone was to be inferred from the phone, "
    "which lies in several zones; it was left empty, not guessed",
    WarningCode.INVALID_GMT_ZONE: "jaicp: the row's gmtZone is not a documented form and was "
    "dropped ([jaicp] gmtZone applies)",
    WarningCode.INVALID_DIALER_PRIORITY: "jaicp: the row's dialerPriority is not 1..5 and was "
    "set to 5, as the server does",
    WarningCode.DUPLICATE_JAICP_PHONE: "jaicp: the same number with the same settings and payload "
    "came on an earlier row; the server would ignore it, so it is not sent",
    WarningCode.INVALID_CONTACT_TIMEZONE: "contacts: the timezone is not an IANA time zone ID "
    "and was dropped",
    WarningCode.DUPLICATE_ACTION_ID: "actions: the same id came on an earlier row; it is sent "
    "once",
}


def sorted_counts(counts: Mapping[str, int]) -> dict[str, int]:
    """Codes and their counts for summary.json: most frequent first, ties by code, so that a
    re-run writes the same bytes."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
