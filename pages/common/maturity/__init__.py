"""The Maturity page's components: whose maturity and when (choice.py), the radar (radar.py), the weakest
dimensions, the change between two dates and who scored (view.py), and adding one's scores (form.py); keys.py names
the session keys."""
