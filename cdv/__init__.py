"""Contract as code for French contrats de ville: load, validate and publish the YAML sources."""

__version__ = "0.1.0"
