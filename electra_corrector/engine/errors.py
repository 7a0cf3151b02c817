"""Errors with a message meant for the user: the CLI prints them in one line, no traceback."""


class CorrectorError(Exception):
    """Base class for errors the user can act on."""


class ModelNotFoundError(CorrectorError):
    pass


class ModelLoadError(CorrectorError):
    pass


class SettingsError(CorrectorError):
    """A corrector_config.json that cannot be used."""
