"""The project's recognizers, one small class per module, declared in ``../recognizers.yaml``."""
