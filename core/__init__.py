"""LeadOps domain: rules, use cases and errors. Knows nothing of Streamlit or SQL."""
