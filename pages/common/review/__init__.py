"""The Review page's components (pages/review.py): the scope and filters, the queue's table and its export, and
the verdict on the selected decisions. Session keys are named in keys.py."""
