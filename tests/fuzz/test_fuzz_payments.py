"""Payment messages (ISO 20022 XML and SWIFT MT) fed mutated real messages of
../shared/data/payments and the fixtures of tests/fixtures/payments."""

from __future__ import annotations

import pytest
from fuzzing import Target, check_seeds, fuzz
from targets import PAYMENTS


@pytest.mark.parametrize("target", PAYMENTS, ids=lambda t: t.name)
def test_payment_parser_reads_or_refuses_mutated_messages(target: Target) -> None:
    fuzz(target)


@pytest.mark.parametrize("target", PAYMENTS, ids=lambda t: t.name)
def test_payment_seeds_are_read(target: Target) -> None:
    check_seeds(target)
