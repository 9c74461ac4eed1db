"""Search policy on top of the dynamics: the polish and the hop search's flights.

Each stage updates the run's ``SearchState`` (``state``) and returns an
``Outcome``; neither builds or edits a result.
"""
