"""Suggested mapping: which leadLoader mapping column `leadprep.preview` proposes for each header.

The corpus is `tests/data/headers/spellings.csv` (header, target, note): real-world header
spellings from CRM, dialer and spreadsheet exports, each with the target a careful human would
choose (an empty target means "leave unmapped").

Every spelling is judged inside a small file with fixed context columns, in this order:
`ID`, the header under test, `Phone`. The context column that would compete for the same target is
left out: no `ID` when the spelling is an EXTERN_ID spelling, no `Phone` when it is a LEAD_PHONE
spelling. So a LEAD_PHONE spelling such as "Mobile" is judged as the file's only phone column, and
a PERSONA spelling such as "Mobile" is judged next to a generic `Phone`. Each column holds five
plausible values for its target (`plausible_values`).

With the STRATEGIC config (personas 2 = "Mobile Phone", 3 = "Work Phone"), mobile/cell spellings
must get phoneId 2 and work/office/business spellings phoneId 3 (`CONFIG_PHONE_IDS`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import leadprep
from leadprep._fields import MAPPING_COLUMNS

from .conftest import DATA, SAMPLE

SPELLINGS = DATA / "headers" / "spellings.csv"
TARGETS = frozenset(MAPPING_COLUMNS) | {"PERSONA"}
PHONE_TARGETS = frozenset({"LEAD_PHONE", "PERSONA", "AUX_PHONE", "CALLER_ID"})
ENTRY_KEYS = frozenset(
    {"index", "column", "target", "phoneId", "phoneLabel", "confidence", "reason"}
)

PERSONA_LABELS = {2: "Mobile Phone", 3: "Work Phone"}
STRATEGIC_TOML = """\
[campaign]
calling_configuration = "STRATEGIC"

[[account.personas]]
phone_id = 2
label = "Mobile Phone"

[[account.personas]]
phone_id = 3
label = "Work Phone"
"""

# Expected persona phone ID under the STRATEGIC config for every PERSONA spelling of the corpus.
# None: the config has no label for this kind of phone; the column must then not take a configured
# persona ID (2 or 3): it may be PERSONA with another ID, or unmapped.
CONFIG_PHONE_IDS: dict[str, int | None] = {
    "Mobile": 2,
    "Cell": 2,
    "Cell Phone": 2,
    "Cell #": 2,
    "Mobile Phone": 2,
    "mobile_phone": 2,
    "Mobile Number": 2,
    "Mobile Phone Number": 2,
    "Work Phone": 3,
    "Office Phone": 3,
    "Business Phone": 3,
    "Work Number": 3,
    "Home Phone": None,
}


@dataclass(frozen=True)
class Spelling:
    header: str
    target: str | None
    note: str

    @property
    def id(self) -> str:
        return f"{self.header} -> {self.target or 'unmapped'}"


def load_spellings() -> list[Spelling]:
    with SPELLINGS.open(encoding="utf-8", newline="") as f:
        return [
            Spelling(row["header"], row["target"] or None, row["note"])
            for row in csv.DictReader(f)
        ]


CORPUS = load_spellings()


# --------------------------------------------------------------------------------------------
# Plausible values
# --------------------------------------------------------------------------------------------

_VALUES: dict[str, list[str]] = {
    "LEAD_PHONE": ["(415) 555-0132", "212-555-0198", "(617) 555-0101", "973.555.0147",
                   "+1 303 555 0175"],
    "PERSONA": ["(646) 555-0123", "(510) 555-0188", "312-555-0110", "(206) 555-0161",
                "702.555.0139"],
    "AUX_PHONE": ["(718) 555-0142", "(404) 555-0177", "(720) 555-0105", "(503) 555-0119",
                  "(919) 555-0164"],
    "CALLER_ID": ["(415) 555-0100", "(415) 555-0100", "(212) 555-0150", "(415) 555-0100",
                  "(212) 555-0150"],
    "EXTERN_ID": ["C-000123", "C-000124", "C-000381", "C-001002", "C-004417"],
    "FIRST_NAME": ["Maria", "James", "Aisha", "Wei", "Liam"],
    "LAST_NAME": ["Garcia", "O'Brien", "Okafor", "Chen", "Nguyen"],
    "MID_NAME": ["A", "J.", "Marie", "Lee", "R"],
    "SUFFIX": ["Jr.", "Sr.", "III", "II", "IV"],
    "TITLE": ["Ms.", "Mr.", "Dr.", "Mrs.", "Mx."],
    "EMAIL": ["maria.garcia@example.com", "jobrien@example.org", "aisha.okafor@example.net",
              "wei.chen@example.com", "liam_nguyen@example.com"],
    "ADDRESS1": ["123 Main St", "45 Elm Street", "9 Harbor Way", "1600 Market St",
                 "77 Beacon St"],
    "ADDRESS2": ["Apt 4B", "Suite 120", "Unit 7", "#12", "Floor 3"],
    "CITY": ["Boston", "Newark", "Austin", "Denver", "Portland"],
    "STATE": ["MA", "NJ", "TX", "CO", "OR"],
    "ZIP": ["02134", "07102", "78701", "80202", "97201"],
    "LEAD_TIMEZONE": ["America/New_York", "America/New_York", "America/Chicago",
                      "America/Denver", "America/Los_Angeles"],
    "PENDING_AGENT_ID": ["1001", "1017", "1001", "1022", "1003"],
    "GATE_KEEPER": ["Karen Smith", "Tom Reyes", "Priya Patel", "Dana Lee", "Sam Ortiz"],
    "LEAD_PRIORITY": ["1", "3", "2", "5", "1"],
    "AUX_DATA1": ["gold", "silver", "gold", "bronze", "silver"],
    "AUX_DATA2": ["renewal", "new", "renewal", "winback", "new"],
    "AUX_DATA3": ["Q3 promo", "Q3 promo", "spring mailer", "webinar", "Q3 promo"],
    "AUX_DATA4": ["12", "7", "30", "4", "18"],
    "AUX_DATA5": ["policy A", "policy B", "policy A", "policy C", "policy B"],
    "AUX_EXTERNAL_URL": [f"https://crm.example.com/leads/C-00{n}" for n in
                         ("0123", "0124", "0381", "1002", "4417")],
    "AUX_GREETING": ["Hi Maria, thanks for your interest in Acme Solar.",
                     "Hi James, following up on your quote request.",
                     "Hi Aisha, calling about your renewal.",
                     "Hi Wei, thanks for visiting our booth.",
                     "Hi Liam, following up on your webinar signup."],
    "LIVE_ANSWER_MESSAGE": ["Hello, this is Acme Insurance with a renewal notice."] * 5,
    "MACH_ANSWER_MESSAGE": ["Sorry we missed you. This is Acme Insurance; please call back."] * 5,
}

# Values for columns that must stay unmapped, by a keyword of their header (first match wins).
_UNMAPPED_VALUES: list[tuple[tuple[str, ...], list[str]]] = [
    (("owner email",), ["jsmith@acme-sales.com", "kpatel@acme-sales.com",
                        "jsmith@acme-sales.com", "mlopez@acme-sales.com",
                        "kpatel@acme-sales.com"]),
    (("owner id",), ["0055g00000AbCdEAA1", "0055g00000AbCdFAA1", "0055g00000AbCdEAA1",
                     "0055g00000AbCdGAA1", "0055g00000AbCdFAA1"]),
    (("owner",), ["Jordan Smith", "Kiran Patel", "Jordan Smith", "Marta Lopez", "Kiran Patel"]),
    (("skype",), ["maria.garcia.acme", "jobrien42", "aisha.okafor", "wchen_sf", "liam.nguyen"]),
    (("fax",), ["(617) 555-0199", "(202) 555-0144", "(215) 555-0182", "(480) 555-0136",
                "(937) 555-0171"]),
    (("website",), ["https://www.acme.com", "www.globex.example", "https://initech.example",
                    "umbrella.example.com", "https://www.hooli.example"]),
    (("opt out", "do not call"), ["false", "true", "false", "false", "true"]),
    (("date", "created", "modified", "birth"), ["2024-03-12", "3/14/2024", "2023-11-02",
                                               "1/5/2024", "2024-07-30"]),
    (("country",), ["United States", "United States", "USA", "United States", "USA"]),
    (("title", "designation"), ["VP of Sales", "Office Manager", "CFO", "Owner",
                                "Director of IT"]),
    (("full name",), ["Maria Garcia", "James O'Brien", "Aisha Okafor", "Wei Chen", "Liam Nguyen"]),
    (("score",), ["85", "42", "67", "91", "12"]),
    (("revenue",), ["1200000", "450000", "87000000", "3000000", "990000"]),
    (("employees",), ["50", "12", "1200", "8", "300"]),
    (("status", "rating"), ["Open", "Contacted", "Qualified", "Hot", "Cold"]),
    (("source",), ["Web", "Referral", "Trade Show", "Web", "Purchased List"]),
    (("industry",), ["Healthcare", "Retail", "Manufacturing", "Education", "Finance"]),
    (("company", "account name"), ["Acme Corp", "Globex LLC", "Initech", "Umbrella Inc.",
                                   "Hooli"]),
    (("notes", "description", "topic"), ["Asked for a call back next week",
                                         "Interested in solar panels",
                                         "Met at the Boston expo, wants pricing",
                                         "", "Prefers email, then phone"]),
]


def plausible_values(target: str | None, header: str = "") -> list[str]:
    """Five realistic values for a column of `target` (for unmapped columns: by its header)."""
    if target is not None:
        return list(_VALUES[target])
    lowered = header.lower()
    for keywords, values in _UNMAPPED_VALUES:
        if any(k in lowered for k in keywords):
            return list(values)
    raise LookupError(f"no plausible values for unmapped header {header!r}: add a rule")


# --------------------------------------------------------------------------------------------
# Building files and reading the suggestion
# --------------------------------------------------------------------------------------------

Column = tuple[str, str | None, list[str]]  # header, expected target, values


def context_file_columns(spelling: Spelling) -> list[Column]:
    """ID, the header under test, Phone, minus the context column competing for its target."""
    columns: list[Column] = []
    if spelling.target != "EXTERN_ID":
        columns.append(("ID", "EXTERN_ID", plausible_values("EXTERN_ID")))
    columns.append(
        (spelling.header, spelling.target, plausible_values(spelling.target, spelling.header))
    )
    if spelling.target != "LEAD_PHONE":
        columns.append(("Phone", "LEAD_PHONE", plausible_values("LEAD_PHONE")))
    return columns


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_columns(path: Path, columns: list[tuple[str, list[str]]]) -> Path:
    header = [name for name, _ in columns]
    rows = [list(values) for values in zip(*(v for _, v in columns), strict=True)]
    return write_csv(path, header, rows)


def suggested(path: Path, config: Path | None = None) -> list[dict[str, Any]]:
    report = leadprep.preview(path) if config is None else leadprep.preview(path, config=config)
    mapping = report.as_dict()["suggestedMapping"]
    assert isinstance(mapping, list), f"suggestedMapping is {type(mapping).__name__}, not a list"
    return mapping


def by_index(entries: list[dict[str, Any]], index: int) -> dict[str, Any]:
    found = [e for e in entries if e.get("index") == index]
    assert len(found) == 1, f"{len(found)} suggestedMapping entries for index {index}: {entries}"
    return found[0]


def describe(entry: dict[str, Any]) -> str:
    return (
        f"target={entry.get('target')!r} phoneId={entry.get('phoneId')!r} "
        f"phoneLabel={entry.get('phoneLabel')!r} confidence={entry.get('confidence')!r} "
        f"reason={entry.get('reason')!r}"
    )


def persona_problem(header: str, entry: dict[str, Any], strategic: bool) -> str | None:
    """Why a column expected to be a persona phone is not the right one, or None."""
    phone_id, label = entry.get("phoneId"), entry.get("phoneLabel")
    if not strategic:
        if entry.get("target") != "PERSONA":
            return "expected PERSONA"
        if not isinstance(phone_id, int) or not 2 <= phone_id <= 7:
            return "expected PERSONA with a phoneId in 2..7"
        if not isinstance(label, str) or not label.strip():
            return "expected PERSONA with a phoneLabel"
        return None
    if header not in CONFIG_PHONE_IDS:
        return f"corpus error: add {header!r} to CONFIG_PHONE_IDS"
    expected_id = CONFIG_PHONE_IDS[header]
    if expected_id is None:
        if entry.get("target") is None:
            return None
        if entry.get("target") == "PERSONA" and phone_id not in PERSONA_LABELS:
            return None
        return "expected PERSONA with an unconfigured phoneId (not 2 or 3), or unmapped"
    expected_label = PERSONA_LABELS[expected_id]
    if (entry.get("target"), phone_id, label) != ("PERSONA", expected_id, expected_label):
        return f"expected PERSONA phoneId={expected_id} phoneLabel={expected_label!r}"
    return None


def judge(
    directory: Path, spelling: Spelling, config: Path | None, name: str = "leads.csv"
) -> list[str]:
    """Every way the suggestion for this spelling's context file differs from the expectation."""
    columns = context_file_columns(spelling)
    path = write_columns(directory / name, [(h, v) for h, _, v in columns])
    mode = "STRATEGIC config" if config else "no config"
    entries = suggested(path, config)
    problems = []
    if len(entries) != len(columns):
        problems.append(
            f"{spelling.id} [{mode}]: {len(entries)} entries for {len(columns)} columns"
        )
    for index, (header, expected, _) in enumerate(columns):
        found = [e for e in entries if e.get("index") == index]
        where = f"{spelling.id} [{mode}], column {index} {header!r}"
        if len(found) != 1:
            problems.append(f"{where}: {len(found)} entries for this index")
            continue
        entry = found[0]
        if entry.get("column") != header:
            problems.append(f"{where}: entry names column {entry.get('column')!r}")
        if expected == "PERSONA":
            why = persona_problem(header, entry, strategic=config is not None)
        else:
            why = None if entry.get("target") == expected else f"expected {expected!r}"
        if why:
            problems.append(f"{where}: {why}; got {describe(entry)}  (note: {spelling.note})")
    return problems


@pytest.fixture(scope="module")
def strategic_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("config") / "strategic.toml"
    path.write_text(STRATEGIC_TOML, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# The corpus itself
# --------------------------------------------------------------------------------------------


def test_corpus_is_large_varied_and_well_formed() -> None:
    assert len(CORPUS) >= 80
    unmapped = [s for s in CORPUS if s.target is None]
    assert len(unmapped) >= 8
    keys = [(s.header, s.target) for s in CORPUS]
    assert len(keys) == len(set(keys)), "a (header, target) pair is listed twice"
    for s in CORPUS:
        assert s.header == s.header.strip() and s.header, s
        assert s.target is None or s.target in TARGETS, s
        assert s.note.strip(), f"{s.id}: write down why in the note"
        assert len(plausible_values(s.target, s.header)) == 5
    personas = {s.header for s in CORPUS if s.target == "PERSONA"}
    assert personas == set(CONFIG_PHONE_IDS), "CONFIG_PHONE_IDS must cover every PERSONA spelling"


def test_strategic_config_is_a_valid_preview_config(strategic_config: Path) -> None:
    config = leadprep.load_config(strategic_config)
    assert config.campaign.calling_configuration == "STRATEGIC"
    assert {p.phone_id: p.label for p in config.account.personas} == PERSONA_LABELS


def test_plausible_phone_values_are_valid_us_numbers() -> None:
    import phonenumbers

    for target in ("LEAD_PHONE", "PERSONA", "AUX_PHONE", "CALLER_ID"):
        for value in plausible_values(target):
            assert phonenumbers.is_valid_number(phonenumbers.parse(value, "US")), value
    for value in plausible_values(None, "Fax"):
        assert phonenumbers.is_valid_number(phonenumbers.parse(value, "US")), value


# --------------------------------------------------------------------------------------------
# The whole corpus, with and without a STRATEGIC persona config. One test, not one per
# spelling: each spelling costs a full preview, and the failure lists every miss at once.
# --------------------------------------------------------------------------------------------


def test_every_spelling_of_the_corpus_is_suggested_correctly(
    tmp_path: Path, strategic_config: Path
) -> None:
    """The hit rate over the whole corpus must be 100%; the failure lists every miss at once."""
    assert callable(leadprep.preview)  # without it, every spelling would report the same crash
    misses: list[str] = []
    missed: set[str] = set()
    for n, spelling in enumerate(CORPUS):
        for config in (None, strategic_config):
            try:
                problems = judge(tmp_path, spelling, config, name=f"leads_{n}.csv")
            except Exception as exc:  # one crash must not hide the other misses
                problems = [f"{spelling.id}: {type(exc).__name__}: {exc}"]
            if problems:
                missed.add(spelling.id)
                misses.extend(problems)
    hits = len(CORPUS) - len(missed)
    assert not misses, (
        f"hit rate {hits}/{len(CORPUS)} = {hits / len(CORPUS):.1%} (required: 100%); "
        f"{len(misses)} problems:\n" + "\n".join(misses)
    )


# --------------------------------------------------------------------------------------------
# Content sniffing: unhelpful headers, telling values
# --------------------------------------------------------------------------------------------

UNHELPFUL_HEADERS = ["col1", "Field 7", "X"]

SNIFF_CASES: dict[str, tuple[str, list[str], frozenset[str]]] = {
    # kind: (a header-name match for comparison, values, acceptable targets)
    "phones": ("Phone", plausible_values("LEAD_PHONE"), PHONE_TARGETS),
    "emails": ("Email", plausible_values("EMAIL"), frozenset({"EMAIL"})),
    "us-states": ("State", ["MA", "NJ", "TX", "CA", "NY"], frozenset({"STATE"})),
    "zip5": ("Zip", ["02134", "07102", "01060", "03301", "08540"], frozenset({"ZIP"})),
    "zip+4": ("Zip", ["02134-1234", "07102-4501", "01060-0001", "03301-7710", "08540-6620"],
              frozenset({"ZIP"})),
}


def sniff_file_columns(header: str, kind: str) -> list[tuple[str, list[str]]]:
    _, values, _ = SNIFF_CASES[kind]
    columns = [("ID", plausible_values("EXTERN_ID")), (header, values)]
    if kind != "phones":  # a file needs its primary phone; the phone case is the primary itself
        columns.append(("Phone", plausible_values("LEAD_PHONE")))
    return columns


@pytest.mark.parametrize("kind", list(SNIFF_CASES))
@pytest.mark.parametrize("header", UNHELPFUL_HEADERS)
def test_unhelpful_header_is_mapped_from_its_values_with_lower_confidence(
    tmp_path: Path, header: str, kind: str
) -> None:
    named_header, _, acceptable = SNIFF_CASES[kind]
    sniffed_path = write_columns(tmp_path / "sniffed.csv", sniff_file_columns(header, kind))
    named_path = write_columns(tmp_path / "named.csv", sniff_file_columns(named_header, kind))

    sniffed = by_index(suggested(sniffed_path), 1)
    named = by_index(suggested(named_path), 1)

    assert sniffed["column"] == header
    assert sniffed["target"] in acceptable, f"{header!r} holding {kind}: {describe(sniffed)}"
    assert named["target"] in acceptable, f"{named_header!r} holding {kind}: {describe(named)}"
    assert sniffed["confidence"] < named["confidence"], (
        f"a guess from values must be less sure than a header match: "
        f"{describe(sniffed)} vs {describe(named)}"
    )
    assert "values" in sniffed["reason"].lower(), describe(sniffed)


@pytest.mark.parametrize("header", ["Phone", "Phone Number", "Telephone"])
def test_phone_header_holding_emails_is_not_a_confident_lead_phone(
    tmp_path: Path, header: str
) -> None:
    path = write_columns(
        tmp_path / "leads.csv",
        [("ID", plausible_values("EXTERN_ID")), (header, plausible_values("EMAIL"))],
    )
    entry = by_index(suggested(path), 1)
    assert entry["target"] != "LEAD_PHONE" or entry["confidence"] < 0.5, describe(entry)


# --------------------------------------------------------------------------------------------
# Invariants of every suggestion
# --------------------------------------------------------------------------------------------


def _crowded_file(directory: Path) -> Path:
    """Several columns competing for the same targets, unmapped ones, and persona phones."""
    columns = [
        ("Customer ID", plausible_values("EXTERN_ID")),
        ("ID", ["17", "18", "19", "20", "21"]),
        ("Phone", plausible_values("LEAD_PHONE")),
        ("Phone Number", plausible_values("AUX_PHONE")),
        ("Telephone", plausible_values("CALLER_ID")),
        ("Mobile", plausible_values("PERSONA")),
        ("Cell", plausible_values("PERSONA")),
        ("Work Phone", plausible_values("AUX_PHONE")),
        ("Home Phone", plausible_values(None, "Fax")),
        ("Email", plausible_values("EMAIL")),
        ("Email Address", plausible_values("EMAIL")),
        ("First Name", plausible_values("FIRST_NAME")),
        ("FirstName", plausible_values("FIRST_NAME")),
        ("Zip", plausible_values("ZIP")),
        ("col9", ["02134", "07102", "01060", "03301", "08540"]),
        ("State", plausible_values("STATE")),
        ("X", ["MA", "NJ", "TX", "CA", "NY"]),
        ("Company", plausible_values(None, "Company")),
        ("Notes", plausible_values(None, "Notes")),
    ]
    return write_columns(directory / "crowded.csv", columns)


def _whole_corpus_file(directory: Path) -> Path:
    """Every corpus header in one wide file (first spelling of each header only)."""
    seen: set[str] = set()
    columns = []
    for s in CORPUS:
        if s.header.lower() not in seen:
            seen.add(s.header.lower())
            columns.append((s.header, plausible_values(s.target, s.header)))
    return write_columns(directory / "everything.csv", columns)


FILES = {
    "sample-data": lambda directory: SAMPLE / "leads.csv",
    "crowded": _crowded_file,
    "whole-corpus": _whole_corpus_file,
}


def _header_of(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f))


@pytest.mark.parametrize("with_config", [False, True], ids=["no-config", "strategic-config"])
@pytest.mark.parametrize("which", list(FILES))
def test_every_entry_is_well_formed_and_targets_are_not_shared(
    tmp_path: Path, which: str, with_config: bool, strategic_config: Path
) -> None:
    path = FILES[which](tmp_path)
    header = _header_of(path)
    entries = suggested(path, strategic_config if with_config else None)

    assert [e["index"] for e in entries] == list(range(len(header))), "index runs 0..n-1 in order"
    assert [e["column"] for e in entries] == header
    for entry in entries:
        assert set(entry) >= ENTRY_KEYS, f"missing keys {ENTRY_KEYS - set(entry)} in {entry}"
        confidence = entry["confidence"]
        assert isinstance(confidence, int | float) and not isinstance(confidence, bool), entry
        assert 0 <= confidence <= 1, entry
        assert isinstance(entry["reason"], str) and entry["reason"].strip(), entry
        assert entry["target"] is None or entry["target"] in TARGETS, entry
        if entry["target"] == "PERSONA":
            assert isinstance(entry["phoneId"], int) and 2 <= entry["phoneId"] <= 7, entry
            assert isinstance(entry["phoneLabel"], str) and entry["phoneLabel"].strip(), entry
        else:
            assert entry["phoneId"] is None and entry["phoneLabel"] is None, entry

    targets = [e["target"] for e in entries if e["target"] not in (None, "PERSONA")]
    twice = sorted({t for t in targets if targets.count(t) > 1})
    assert not twice, f"targets given to more than one column: {twice}"
    phone_ids = [e["phoneId"] for e in entries if e["target"] == "PERSONA"]
    assert len(phone_ids) == len(set(phone_ids)), f"persona phone IDs shared: {phone_ids}"
    if with_config:
        for e in entries:
            if e["target"] == "PERSONA" and e["phoneId"] in PERSONA_LABELS:
                assert e["phoneLabel"] == PERSONA_LABELS[e["phoneId"]], e


@pytest.mark.parametrize("with_config", [False, True], ids=["no-config", "its-own-config"])
def test_sample_data_is_mapped_like_its_own_config(with_config: bool) -> None:
    """The shipped sample's config is what a careful human chose for sample_data/leads.csv."""
    config_path = SAMPLE / "leadprep.toml"
    config = leadprep.load_config(config_path)
    header = _header_of(SAMPLE / "leads.csv")
    entries = suggested(SAMPLE / "leads.csv", config_path if with_config else None)
    for target, column in config.mapping.columns.items():
        entry = by_index(entries, header.index(str(column)))
        assert entry["target"] == target, f"{column!r}: {describe(entry)}"
    for phone_id, column in config.mapping.additional_phones.items():
        entry = by_index(entries, header.index(str(column)))
        assert entry["target"] == "PERSONA", f"{column!r} (persona {phone_id}): {describe(entry)}"
        if with_config:
            assert entry["phoneId"] == phone_id, f"{column!r}: {describe(entry)}"
            assert entry["phoneLabel"] == config.account.persona_label(phone_id), describe(entry)
