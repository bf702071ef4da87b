"""`cli.py bench`: time the project's own code paths on a database it fills itself.

`target` prepares the database (refuses anything but an empty or an earlier bench database),
`steps` times the domain use cases, `pages` times the Streamlit pages, `floor` runs the
raw-SQL floors in ../shared/bench, and `run` puts them together into one result.
"""

from bench.run import BenchOptions, format_table, run_bench

__all__ = ["BenchOptions", "format_table", "run_bench"]
