"""Errors with a message meant for the user: every front end prints them in one line, no
traceback. The errors of the other layers (text files, repository settings, datasets, Ray
inputs, the protect list) derive from CorrectorError too, so a program using the package
catches one class."""


class CorrectorError(Exception):
    """Base class for errors the user can act on."""


class ModelNotFoundError(CorrectorError):
    pass


class ModelLoadError(CorrectorError):
    pass


class SettingsError(CorrectorError):
    """A corrector_config.json that cannot be used."""
