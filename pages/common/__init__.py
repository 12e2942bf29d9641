"""Streamlit code the pages share, split by job: session (store, cached data), identity (who acts), widgets.

Not pages: app.py's st.navigation lists the pages; this package is only imported.
"""
