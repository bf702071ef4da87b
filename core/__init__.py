"""LeadOps's core: the domain (`core.domain`), what it needs from storage (`core.ports`) and the
use cases, one package per capability. It knows nothing of Streamlit or SQL
(docs/architecture.md; the import-linter contracts in pyproject.toml check it)."""
