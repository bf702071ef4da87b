"""A CASE mapping ids to integers, written out as SQL text."""


def int_case(column: str, values: dict[int, int]) -> str:
    """`CASE column WHEN id THEN value … END` with the integers written out: one statement per
    chunk, without the thousand bind parameters that cost more to compile than to run.
    Only ints (int() of each) reach the text."""
    whens = " ".join(f"WHEN {int(key)} THEN {int(value)}" for key, value in values.items())
    return f"CASE {column} {whens} END"
