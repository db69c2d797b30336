"""Text of verifications (see council.core.text_fields): none is written by people."""

from council.core.text_fields import not_written_by_people

not_written_by_people("verifications.CensusList", "fields", reason="keys chosen from CENSUS_FIELDS")
not_written_by_people("verifications.CensusList", "salt", reason="random hex drawn by the server")
not_written_by_people("verifications.CensusEntry", "digest", reason="an HMAC computed by the server")
not_written_by_people("verifications.VerificationCode", "digest", reason="an HMAC computed by the server")
not_written_by_people("verifications.VerificationUse", "target", reason="a model label and id")
not_written_by_people("verifications.VerificationUse", "kinds", reason="keys of registered kinds")
