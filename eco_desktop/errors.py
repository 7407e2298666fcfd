"""Errors a user can cause. Their message is a French sentence shown as is."""


class UserError(Exception):
    """An error the user can understand and act on; its text is a French sentence."""


class CatalogueBusy(UserError):
    """Another program holds the catalogue's write lock."""


class ReadOnlyCatalogue(UserError):
    """The catalogue was opened read-only."""
