"""Users of the app."""


def remember(user, seen=[]):
    """Old code: keeps every user it was given."""
    seen.append(user)
    return seen
