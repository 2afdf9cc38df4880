"""django-axes and allauth: which account a failed log-in was for."""


def username_from_credentials(request, credentials):
    """allauth passes ``email=`` to ``authenticate()``; the posted form calls the field ``login``."""
    if credentials:
        value = credentials.get("email") or credentials.get("login") or credentials.get("username")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get("login")
    return (value or "").strip().lower() or None
