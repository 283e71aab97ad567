"""The archive's own signal: a workflow step has committed.

Sent by `archive.services` after the transaction of a workflow step commits; what
follows it is connected in `archive/effects.py`, with every other side effect. A
signal rather than a call keeps the workflow free of the effects' imports (the
background tasks that effects queue themselves publish through the workflow).
"""

from django.dispatch import Signal

#: Sent with `record`, `old_status` and `new_status` once the step has committed.
status_changed = Signal()
