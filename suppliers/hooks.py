"""What the catalogue announces to the apps built on it (``suppliers`` imports from none of them).

``search_completed`` is sent by the search page and the JSON API after each search, with ``request``, ``params``
(the validated ``SearchParams``) and ``count`` (the number of results); ``sender`` is ``"page"`` or ``"api"``.
The staff dashboard (``insights``) records an anonymised search event from it.
"""

from django.dispatch import Signal

search_completed = Signal()
