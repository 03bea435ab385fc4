"""Mapping suggestions: which mapping column (or persona phone) each source column most likely is.

Two kinds of evidence: the header's words (a table of spellings seen in CRM and spreadsheet
exports) and the column's values (phone numbers, emails, US states, zips, time zones, URLs). A
header match is worth more than a content match; content that contradicts a phone or email
header takes the confidence away. Targets are then handed out greedily, best first, each at most
once, except persona phones, which go one per phone column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import polars as pl

from leadprep._config import Config, Persona
from leadprep._fields import MAPPING_COLUMNS, PERSONA_IDS
from leadprep._parse import column_name
from leadprep._phone import normalize
from leadprep._timezone import iana_zones

PERSONA = "PERSONA"
SAMPLE_SIZE = 500
HEADER_EXACT = 0.95
HEADER_WORDS = 0.8
CONTENT_MAX = 0.75
UNIQUE_FALLBACK = 0.3
FIRST_COLUMN_ID = 0.6

PhoneKind = Literal["primary", "mobile", "work", "home", "other"]
_KIND_LABELS: dict[PhoneKind, str] = {
    "mobile": "Mobile Phone",
    "work": "Work Phone",
    "home": "Home Phone",
    "other": "Other Phone",
    "primary": "Phone",
}

# Normalized header spellings (see _words) per target.
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "EXTERN_ID": (
        "id", "extern id", "external id", "externid", "customer id", "customer no",
        "customer number", "customer", "cust id", "lead id", "leadid", "record id",
        "contact id", "account number", "account no", "account id", "acct no", "acct number",
        "client id", "member id", "crm id", "unique id", "uid", "ref", "reference",
        "reference no", "reference number", "ref no", "lead number", "prospect id",
        "person id", "row id", "customer ref", "policy number", "loan number",
    ),
    "FIRST_NAME": ("first name", "firstname", "fname", "first", "given name", "forename",
                   "first nm", "contact first name", "christian name", "name first"),
    "MID_NAME": ("middle name", "middlename", "middle initial", "mi", "mid name", "midname",
                 "middle", "m i", "mname", "middle nm"),
    "LAST_NAME": ("last name", "lastname", "lname", "last", "surname", "family name",
                  "last nm", "contact last name", "name last"),
    "SUFFIX": ("suffix", "name suffix", "sfx", "generation"),
    "TITLE": ("title", "salutation", "prefix", "name prefix", "honorific", "courtesy title",
              "mr mrs", "mr ms"),
    "EMAIL": ("email", "e mail", "email address", "e mail address", "emailaddress", "mail",
              "email 1", "email1", "primary email", "email id", "contact email", "emails"),
    "ADDRESS1": ("address", "address 1", "address1", "address line 1", "address line1",
                 "street", "street address", "street 1", "street1", "mailing street",
                 "billing street", "mailing address", "addr", "addr1", "addr 1", "address 1 line",
                 "street line 1", "home address", "postal address", "physical address"),
    "ADDRESS2": ("address 2", "address2", "address line 2", "address line2", "street 2",
                 "street2", "addr2", "addr 2", "apt", "suite", "apt suite", "apt suite unit",
                 "unit", "apartment", "street line 2", "mailing street 2"),
    "CITY": ("city", "town", "mailing city", "billing city", "locality", "city town",
             "town city", "municipality", "suburb", "city name"),
    "STATE": ("state", "st", "province", "state province", "state region", "mailing state",
              "billing state", "state code", "state abbreviation", "state abbr", "prov",
              "mailing state province", "billing state province", "state prov"),
    "ZIP": ("zip", "zip code", "zipcode", "postal", "postal code", "postcode", "post code",
            "zip postal code", "zip postal", "postal zip", "mailing zip", "billing zip",
            "mailing zip code", "mailing postal code", "billing postal code", "zip 5", "zip5",
            "zip code 5", "postalcode", "zip4", "zip 4", "pin code", "eircode"),
    "LEAD_TIMEZONE": ("time zone", "timezone", "tz", "lead timezone", "lead time zone",
                      "time zone name", "iana time zone", "tz name", "local time zone",
                      "timezone name"),
    "PENDING_AGENT_ID": ("agent id", "pending agent id", "agent", "assigned agent",
                         "agent username", "agent user id", "assigned agent id"),
    "GATE_KEEPER": ("gatekeeper", "gate keeper", "assistant", "assistant name", "gatekeeper name"),
    "CALLER_ID": ("caller id", "callerid", "caller id number", "outbound caller id", "ani",
                  "caller id phone", "cid"),
    "LEAD_PRIORITY": ("priority", "lead priority", "call priority", "dialing priority"),
    "AUX_EXTERNAL_URL": ("url", "external url", "aux external url", "crm link", "crm url",
                         "record url", "record link", "link"),
    "AUX_GREETING": ("greeting", "aux greeting", "agent greeting"),
    "LIVE_ANSWER_MESSAGE": ("live answer message", "live message"),
    "MACH_ANSWER_MESSAGE": ("machine answer message", "mach answer message", "machine message",
                            "answering machine message", "voicemail message", "vm message"),
    "AUX_PHONE": ("aux phone", "auxiliary phone", "aux phone number"),
    **{f"AUX_DATA{n}": (f"aux data {n}", f"auxdata{n}", f"aux data{n}", f"aux {n}", f"aux{n}")
       for n in range(1, 6)},
}
_PHONE_SPELLINGS: dict[PhoneKind, tuple[str, ...]] = {
    "primary": ("phone", "phone number", "phone no", "phone num", "phonenumber", "primary phone",
                "primary phone number", "tel", "tel no", "telephone", "telephone number",
                "telephone no", "main phone", "main number", "contact number", "contact phone",
                "contact no", "ph", "ph no", "phone 1", "phone1", "lead phone", "number to dial",
                "dial number", "phone number 1", "best phone", "primary number", "phone main"),
    "mobile": ("mobile", "cell", "cell phone", "cellphone", "mobile phone", "mobile number",
               "mobile no", "cell number", "cell no", "mobile tel", "mobile telephone", "mob",
               "cell ph", "wireless", "wireless phone", "handy"),
    "work": ("work phone", "work number", "work no", "work tel", "office phone",
             "office number", "office", "business phone", "business number", "direct dial",
             "direct line", "direct phone", "company phone", "work"),
    "home": ("home phone", "home number", "home no", "home tel", "landline", "residence phone",
             "home"),
    "other": ("other phone", "alt phone", "alternate phone", "alternative phone", "phone 2",
              "phone2", "secondary phone", "second phone", "phone number 2", "phone 3",
              "phone3", "additional phone", "other number", "alt number", "alternate number"),
}
_PHONE_WORDS: dict[PhoneKind, tuple[str, ...]] = {
    "mobile": ("mobile", "cell", "cellular", "wireless", "cellphone"),
    "work": ("work", "office", "business", "direct", "company"),
    "home": ("home", "landline", "residence", "residential"),
    "other": ("other", "alt", "alternate", "alternative", "secondary", "second", "additional"),
    "primary": ("primary", "main", "best"),
}
# Words that make a header something else: the rep's email, a fax line, an opt-out flag.
_BLOCKING_WORDS = frozenset({"fax", "owner", "opt", "rep", "manager", "created", "modified",
                             "job", "country", "company", "unsubscribed"})
# Headers that name something we must not map even if their words look close.
_NOT_MAPPED = ("job title", "fax", "fax number", "company", "company name", "account name",
               "country", "notes", "note", "comments", "owner", "status", "lead source", "source",
               "created", "created date", "modified", "last modified", "date", "industry")

US_STATES = frozenset((
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
    "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
    "VA", "WA", "WV", "WI", "WY", "DC", "PR", "VI", "GU", "AS", "MP",
))
US_STATE_NAMES = frozenset(
    name.casefold() for name in (
        "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
        "Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa",
        "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan",
        "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada",
        "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina",
        "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island",
        "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont", "Virginia",
        "Washington", "West Virginia", "Wisconsin", "Wyoming", "District of Columbia",
        "Puerto Rico",
    )
)
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "madam",
                         "dame", "lord", "lady", "fr", "hon", "sr", "sra", "srta", "herr", "frau",
                         "mme", "mlle", "m"})
# One token with a digit in it: C-000123, 10042, AB/77 (not names, not sentences).
_IDENTIFIER = r"^[A-Za-z0-9_\-./#:]*[0-9][A-Za-z0-9_\-./#:]*$"
# Amounts and measures are unique often enough, and are never IDs.
_DECIMAL = r"^[-+]?[0-9]*[.,][0-9]+$"
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s.]+$"
_ZIP = r"^[0-9]{5}(-[0-9]{4})?$"
_URL = r"^(?i)https?://\S+$"


@dataclass(frozen=True)
class ColumnSuggestion:
    """The suggested target of one source column. `target` is a mapping column name,
    "PERSONA" (with `phone_id`, `phone_label`), or None (leave the column unmapped)."""

    index: int
    column: str
    target: str | None
    confidence: float
    reason: str
    phone_id: int | None = None
    phone_label: str | None = None

    def asdict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "column": self.column,
            "target": self.target,
            "phoneId": self.phone_id,
            "phoneLabel": self.phone_label,
            "confidence": self.confidence,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class MappingSuggestion:
    columns: tuple[ColumnSuggestion, ...]

    def page_column_mappings(self, index_base: int = 0) -> dict[str, int]:
        found = {c.target: c.index + index_base for c in self.columns
                 if c.target not in (None, PERSONA)}
        return {name: found[name] for name in MAPPING_COLUMNS if name in found}

    def additional_phone_mappings(self, index_base: int = 0) -> dict[str, int]:
        phones = sorted((c.phone_id, c.index) for c in self.personas)
        return {str(phone_id): index + index_base for phone_id, index in phones}

    @property
    def personas(self) -> tuple[ColumnSuggestion, ...]:
        return tuple(c for c in self.columns if c.target == PERSONA and c.phone_id is not None)

    @property
    def persona_config(self) -> tuple[Persona, ...]:
        return tuple(Persona(c.phone_id, c.phone_label or "") for c in self.personas
                     if c.phone_id is not None)

    def asdict(self) -> list[dict[str, Any]]:
        return [c.asdict() for c in self.columns]


@dataclass(frozen=True)
class _Candidate:
    column: int
    target: str
    confidence: float
    reason: str
    phone_kind: PhoneKind | None = None


def words(header: str) -> str:
    """"LeadID", "lead_id", " Lead-ID " → "lead id"; "Customer #" → "customer no"."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", header.replace("#", " no "))
    spaced = re.sub(r"([A-Za-z])([0-9])", r"\1 \2", spaced)
    return " ".join(re.sub(r"[\W_]+", " ", spaced).casefold().split())


def _compact(text: str) -> str:
    return text.replace(" ", "")


def blocked(header: str) -> bool:
    """Headers never mapped, whatever their values look like."""
    said = words(header)
    return said in _NOT_MAPPED or bool(_BLOCKING_WORDS & set(said.split()))


def _header_candidates(index: int, header: str) -> list[_Candidate]:
    said = words(header)
    if not said:
        return []
    exact = [_Candidate(index, target, HEADER_EXACT, "a usual header spelling")
             for target, spellings in _SPELLINGS.items()
             if said in spellings or _compact(said) in map(_compact, spellings)]
    for kind, spellings in _PHONE_SPELLINGS.items():
        if said in spellings or _compact(said) in map(_compact, spellings):
            exact.append(_Candidate(index, "LEAD_PHONE", HEADER_EXACT,
                                    f"the header names a {kind} phone", kind))
    return exact or _word_candidates(index, header, said)


def _word_candidates(index: int, header: str, said: str) -> list[_Candidate]:
    """Looser rules on the header's words, for spellings the table does not list."""
    tokens = said.split()
    found: list[_Candidate] = []

    def add(target: str, why: str, kind: PhoneKind | None = None) -> None:
        found.append(_Candidate(index, target, HEADER_WORDS,
                                f"the header {why}", kind))

    if "caller" in tokens:
        add("CALLER_ID", "mentions the caller ID")
    elif "agent" in tokens:
        add("PENDING_AGENT_ID", "mentions an agent")
    elif {"phone", "tel", "telephone", "mobile", "cell", "cellphone", "ph"} & set(tokens):
        add("LEAD_PHONE", "mentions a phone", _phone_kind(tokens))
    elif "email" in tokens or "mail" in tokens or said.startswith("e mail"):
        add("EMAIL", "mentions email")
    elif {"zip", "postal", "postcode", "zipcode"} & set(tokens):
        add("ZIP", "mentions a zip or postal code")
    elif "timezone" in tokens or ("time" in tokens and "zone" in tokens):
        add("LEAD_TIMEZONE", "mentions a time zone")
    elif "city" in tokens or "town" in tokens:
        add("CITY", "mentions a city")
    elif "state" in tokens or "province" in tokens:
        add("STATE", "mentions a state")
    elif {"address", "street", "addr"} & set(tokens):
        second = bool({"2", "two", "ii"} & set(tokens))
        add("ADDRESS2" if second else "ADDRESS1", "mentions an address line")
    elif tokens[-1] in ("first", "given") or ("first" in tokens and "name" in tokens):
        add("FIRST_NAME", "names a first name")
    elif "middle" in tokens:
        add("MID_NAME", "names a middle name")
    elif tokens[-1] in ("last", "surname") or ("last" in tokens and "name" in tokens) or (
        "surname" in tokens
    ):
        add("LAST_NAME", "names a last name")
    elif tokens[-1] == "id" or (tokens[-1] in ("no", "number", "num", "ref") and {
        "customer", "account", "acct", "lead", "record", "member", "client", "contact",
        "reference", "crm", "prospect", "policy", "loan", "cust",
    } & set(tokens)):
        add("EXTERN_ID", "names an identifier")
    elif "priority" in tokens:
        add("LEAD_PRIORITY", "mentions a priority")
    return found


def _phone_kind(tokens: Sequence[str]) -> PhoneKind:
    for kind, hints in _PHONE_WORDS.items():
        if set(hints) & set(tokens):
            return kind
    if any(t.isdigit() and t != "1" for t in tokens):
        return "other"
    return "primary"


@dataclass(frozen=True)
class _Content:
    values: int
    phone: float
    email: float
    state: float
    zip: float
    timezone: float
    url: float
    unique: float
    honorific: float
    identifier: float


def _profile(values: pl.Series, region: str) -> _Content:
    sample = values.drop_nulls().str.strip_chars()
    sample = sample.filter(sample != "").head(SAMPLE_SIZE)
    n = sample.len()
    if n == 0:
        return _Content(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    def share(mask: pl.Series) -> float:
        return float(mask.sum()) / n

    has_digits = sample.str.count_matches(r"[0-9]") >= 7
    phones = normalize(sample.filter(has_digits), region, "valid")["accepted"]
    return _Content(
        values=n,
        phone=float(phones.sum()) / n,
        email=share(sample.str.contains(_EMAIL)),
        state=share(sample.str.to_uppercase().is_in(sorted(US_STATES))
                    | sample.str.to_lowercase().is_in(sorted(US_STATE_NAMES))),
        zip=share(sample.str.contains(_ZIP)),
        timezone=share(sample.is_in(sorted(iana_zones()))),
        url=share(sample.str.contains(_URL)),
        unique=sample.n_unique() / n,
        honorific=share(sample.str.to_lowercase().str.strip_chars_end(".").is_in(
            sorted(_HONORIFICS))),
        identifier=share(sample.str.contains(_IDENTIFIER) & ~sample.str.contains(_DECIMAL)),
    )


_CONTENT_TARGETS: tuple[tuple[str, str, str], ...] = (
    ("phone", "LEAD_PHONE", "parse as phone numbers"),
    ("email", "EMAIL", "look like email addresses"),
    ("state", "STATE", "are US states"),
    ("zip", "ZIP", "look like US zip codes"),
    ("timezone", "LEAD_TIMEZONE", "are IANA time zones"),
    ("url", "AUX_EXTERNAL_URL", "are web addresses"),
)
# Content that, when absent, contradicts a header: a "Phone" column full of emails is no phone.
_DECISIVE = {"LEAD_PHONE": "phone", "EMAIL": "email", "TITLE": "honorific"}
# Targets whose header is not believed at all against contrary values ("Title" of job titles).
_CONTENT_VETO = frozenset({"TITLE"})


def _content_candidates(index: int, content: _Content) -> list[_Candidate]:
    found = []
    for attr, target, what in _CONTENT_TARGETS:
        share: float = getattr(content, attr)
        if share >= 0.8:
            found.append(_Candidate(
                index, target, round(CONTENT_MAX * share, 2),
                f"{share:.0%} of {content.values} sampled values {what}",
                "primary" if target == "LEAD_PHONE" else None,
            ))
    return found


def _weigh(header: list[_Candidate], content: _Content, by_content: list[_Candidate]
           ) -> list[_Candidate]:
    """Confirm or contradict each header candidate by the values; keep content-only ones."""
    weighed = []
    for cand in header:
        decisive = _DECISIVE.get(cand.target)
        share = getattr(content, decisive) if decisive else None
        if content.values == 0:
            weighed.append(_with(cand, cand.confidence * 0.9, "; the column is empty"))
        elif share is not None and content.values >= 3 and share < 0.2:
            if cand.target in _CONTENT_VETO:
                continue
            weighed.append(_with(cand, round(cand.confidence * 0.4, 2),
                                 f"; but only {share:.0%} of sampled values fit"))
        elif any(c.target == cand.target for c in by_content):
            weighed.append(_with(cand, min(0.99, cand.confidence + 0.04),
                                 "; values agree"))
        else:
            weighed.append(cand)
    named = {c.target for c in header}
    return weighed + [c for c in by_content if c.target not in named]


def _with(cand: _Candidate, confidence: float, note: str) -> _Candidate:
    return _Candidate(cand.column, cand.target, round(confidence, 2), cand.reason + note,
                      cand.phone_kind)


def suggest_mapping(
    header: Sequence[str], rows: pl.DataFrame, config: Config | None = None,
    *, has_header: bool = True,
) -> MappingSuggestion:
    """Suggest a target for every column of `header`; `rows` holds `_c0`.. as the reader gives."""
    region = config.account.default_region if config else "US"
    candidates: dict[int, list[_Candidate]] = {}
    profiles: dict[int, _Content] = {}
    for index, name in enumerate(header):
        profiles[index] = _profile(rows[column_name(index)], region)
        if blocked(name):
            candidates[index] = []
            continue
        by_content = _content_candidates(index, profiles[index])
        candidates[index] = _weigh(_header_candidates(index, name), profiles[index], by_content)
    chosen = _assign_phones(candidates, profiles, config)
    chosen.update(_assign_fields(candidates, chosen))
    if "EXTERN_ID" not in {c.target for c in chosen.values()}:
        chosen.update(_unique_id_fallback(header, profiles, set(chosen), has_header))
    return MappingSuggestion(tuple(
        replace(chosen[i], column=name) if i in chosen else _unmapped(i, name, candidates[i])
        for i, name in enumerate(header)
    ))


def _best(cands: Iterable[_Candidate]) -> _Candidate | None:
    return max(cands, key=lambda c: c.confidence, default=None)


def _assign_phones(
    candidates: dict[int, list[_Candidate]], profiles: dict[int, _Content], config: Config | None
) -> dict[int, ColumnSuggestion]:
    """One phone column is the primary; the others are persona phones where a persona fits."""
    phones: list[_Candidate] = []
    for cands in candidates.values():
        best = _best(cands)
        if best is not None and best.target == "LEAD_PHONE":
            phones.append(best)
    if not phones:
        return {}

    def rank(c: _Candidate) -> tuple[bool, float, float, int]:
        return (c.phone_kind == "primary", c.confidence, profiles[c.column].phone, -c.column)

    primary = max(phones, key=rank)
    chosen = {primary.column: _suggestion(primary, "LEAD_PHONE", "", None)}
    personas = _PersonaPicker(config)
    # A column headed "Aux Phone" keeps auxPhone for itself.
    personas.aux_taken = any(c.target == "AUX_PHONE" and c.confidence >= HEADER_WORDS
                             for cands in candidates.values() for c in cands)
    for cand in sorted(phones, key=lambda c: c.column):
        if cand is not primary:
            chosen[cand.column] = personas.pick(cand)
    return chosen


def _suggestion(cand: _Candidate, target: str | None, note: str, persona: Persona | None
                ) -> ColumnSuggestion:
    return ColumnSuggestion(
        index=cand.column,
        column="",
        target=target,
        confidence=cand.confidence,
        reason=cand.reason + note,
        phone_id=persona.phone_id if persona else None,
        phone_label=persona.label if persona else None,
    )


class _PersonaPicker:
    """Persona phones: the configured persona labelled like the column, or a new one."""

    def __init__(self, config: Config | None) -> None:
        self.config = config
        self.configured = config.account.personas if config else ()
        self.used: set[int] = set()
        self.labels: set[str] = set()
        self.aux_taken = False

    def pick(self, cand: _Candidate) -> ColumnSuggestion:
        kind = cand.phone_kind or "other"
        persona = self._configured(kind) if self.configured else None
        if persona is not None and self._strategic_allowed():
            self.used.add(persona.phone_id)
            return _suggestion(cand, PERSONA, f"; persona {persona.phone_id} is "
                               f"{persona.label!r}", persona)
        if kind == "other":
            return self._aux_phone(cand)
        if not self._strategic_allowed():
            return _suggestion(cand, None, "; a second phone needs a STRATEGIC campaign to be "
                               "a persona phone", None)
        if self.configured:
            labels = ", ".join(repr(p.label) for p in self.configured)
            return _suggestion(cand, None, f"; no configured persona ({labels}) is a {kind} "
                               "phone", None)
        persona = self._new(kind)
        if persona is None:
            return _suggestion(cand, None, "; all persona phone IDs 2..7 are taken", None)
        self.used.add(persona.phone_id)
        return _suggestion(cand, PERSONA, f"; persona {persona.phone_id}: confirm the label",
                           persona)

    def _strategic_allowed(self) -> bool:
        return self.config is None or self.config.campaign.calling_configuration == "STRATEGIC"

    def _aux_phone(self, cand: _Candidate) -> ColumnSuggestion:
        """An extra number of no particular kind: auxPhone, which no schedule targets."""
        if self.aux_taken:
            return _suggestion(cand, None, "; auxPhone is taken by another column", None)
        self.aux_taken = True
        return _suggestion(cand, "AUX_PHONE", "; an untyped extra number goes to auxPhone",
                           None)

    def _configured(self, kind: PhoneKind) -> Persona | None:
        for persona in self.configured:
            label_kind = _phone_kind(words(persona.label).split())
            if persona.phone_id not in self.used and label_kind == kind:
                return persona
        return None

    def _new(self, kind: PhoneKind) -> Persona | None:
        free = [i for i in PERSONA_IDS if i not in self.used]
        if not free:
            return None
        label = _KIND_LABELS[kind]
        if label in self.labels:
            label = f"{label} {free[0]}"
        self.labels.add(label)
        return Persona(free[0], label)


def _assign_fields(
    candidates: dict[int, list[_Candidate]], phones: dict[int, ColumnSuggestion]
) -> dict[int, ColumnSuggestion]:
    pool = sorted(
        (c for cands in candidates.values() for c in cands
         if c.target != "LEAD_PHONE" and c.column not in phones),
        key=lambda c: (-c.confidence, c.column),
    )
    chosen: dict[int, ColumnSuggestion] = {}
    targets = {s.target for s in phones.values() if s.target is not None}
    for cand in pool:
        if cand.column in chosen or cand.target in targets:
            continue
        chosen[cand.column] = _suggestion(cand, cand.target, "", None)
        targets.add(cand.target)
    return chosen


def _unique_id_fallback(
    header: Sequence[str], profiles: dict[int, _Content], taken: set[int], has_header: bool
) -> dict[int, ColumnSuggestion]:
    """No header names an ID: the first column of distinct identifier-like values. Without a
    header row the first column is where exports put the ID, so that guess is stronger."""
    for index, profile in profiles.items():
        if (index not in taken and profile.values >= 2 and profile.unique == 1.0
                and profile.identifier >= 0.8):
            first = index == 0 and not has_header
            why = ("the first column of a file with no header" if first
                   else f"no header names an ID; {header[index]!r}")
            cand = _Candidate(index, "EXTERN_ID", FIRST_COLUMN_ID if first else UNIQUE_FALLBACK,
                              f"{why}: its {profile.values} sampled values are distinct IDs")
            return {index: _suggestion(cand, "EXTERN_ID", "", None)}
    return {}


def _unmapped(index: int, name: str, cands: list[_Candidate]) -> ColumnSuggestion:
    best = _best(cands)
    if best is None:
        reason = "no mapping column matches the header or the values"
        return ColumnSuggestion(index, name, None, 0.0, reason)
    return ColumnSuggestion(index, name, None, 0.0,
                            f"{best.target} would fit ({best.reason}) but another column "
                            "took it")
