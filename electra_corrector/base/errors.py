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


def describe(error: Exception, doing: str | None = None) -> str:
    """One line for the user about `error`: an OSError by its reason ('No such file or
    directory'), anything else by its message; after what failed (`doing`: 'cannot write
    out.txt') and a colon."""
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return f"{doing}: {reason}" if doing else reason
