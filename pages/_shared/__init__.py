"""Streamlit glue shared by app.py and the pages: session keys, database access, messages."""
