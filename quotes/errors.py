"""The one exception type users see: the CLI prints its message on one line and exits non-zero."""


class QuotesError(Exception):
    """A problem with the user's input or environment (bad file, bad query, missing index).

    The message names the file (and line) or the query, so it can be shown without a traceback.
    """
