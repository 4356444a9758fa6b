"""Users of the app."""


def remember(user, seen=[]):
    """Old code: keeps every user it was given."""
    seen.append(user)
    return seen


def display_name(user):
    """The name to show for ``user``."""
    return user.get("name") or user["email"]
