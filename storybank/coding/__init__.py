"""Qualitative coding: codebook, codings, agreement."""
