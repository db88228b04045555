"""Training: real data from ``../shared/data`` → synthetic injections → the shipped model."""

#: synthetic training documents of the shipped model (here, so the CLI can show it without importing training)
DEFAULT_DOCS = 20000
