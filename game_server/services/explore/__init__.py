"""Exploring work: the occupation catalog (ESCO's Dutch occupations with Nesta's sectors).

A leaf: reference data read from game_server/data, no database, no other aggregate.
"""
