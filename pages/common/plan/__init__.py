"""The Plan page's components: which plan is shown (source.py), its editors (editor.py), the timeline
(timeline.py), its figures, dates, saving, versions and export (board.py); keys.py names the session keys."""
