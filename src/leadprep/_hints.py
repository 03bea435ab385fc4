"""Hints a preview gives about the config, learned from the rows the forecast rejects."""

from __future__ import annotations

from collections import Counter

import polars as pl

from leadprep._codes import RejectCode
from leadprep._outcome import Outcome
from leadprep._phone import normalize

# Regions lead files most often come from besides the default one.
CANDIDATE_REGIONS = ("US", "CA", "GB", "IE", "DE", "FR", "ES", "IT", "NL", "BE", "CH", "AT",
                     "AU", "NZ", "MX", "BR", "AR", "IN", "PH", "ZA", "JP", "SE", "NO", "DK",
                     "PL", "PT")
SAMPLE = 200
MIN_SHARE = 0.1


def region_hint(outcome: Outcome) -> str | None:
    """When many primaries are invalid for the default region but valid for another, say so:
    a file of UK numbers read as US numbers is rejected almost whole, for a one-line fix."""
    result = outcome.result
    account = result.config.account
    frame = result.validated.frame
    invalid = frame.filter(
        pl.col("_reasons").list.contains(RejectCode.INVALID_PRIMARY_PHONE.value)
    )["leadPhone"].drop_nulls().unique(maintain_order=True)
    if result.rows_read == 0 or invalid.len() < max(2, MIN_SHARE * result.rows_read):
        return None
    sample = invalid.head(SAMPLE)
    fits: Counter[str] = Counter()
    for region in CANDIDATE_REGIONS:
        if region != account.default_region:
            accepted = normalize(sample, region, account.phone_policy)["accepted"]
            fits[region] = int(accepted.sum())
    if not fits:
        return None
    region, count = fits.most_common(1)[0]
    if count < max(2, sample.len() // 4):
        return None
    return (
        f"{count} of {sample.len()} sampled primary phones that are invalid for region "
        f"{account.default_region} are valid for region {region}: if the file is mostly {region} "
        f"numbers, set [account] default_region = \"{region}\"; if it mixes countries, numbers "
        "need their country code (+44 …)"
    )
