"""The scam-message checker: normalisation, entities, red-flag rules, statistical model."""
