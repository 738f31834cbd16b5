"""Paraphrase-aware FAQ retrieval: normalisation, lexical and dense channels, re-ranking.

Everything here is plain Python over numpy/scipy: no Django imports, so the
benchmarks and the offline trainer use exactly the code the advisor serves with.
"""
