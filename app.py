"""GTM Fit: the entry point. Navigation over pages/, page config, the shared sidebar."""

import streamlit as st

from pages.common import identity, widgets

st.set_page_config(page_title="GTM Fit", page_icon=":material/grid_view:", layout="wide")

PAGES = [
    st.Page("pages/portfolio.py", title="Portfolio", icon=":material/grid_view:", url_path="portfolio", default=True),
    st.Page("pages/account.py", title="Account", icon=":material/business:", url_path="account"),
    st.Page("pages/diagnose.py", title="Diagnose", icon=":material/troubleshoot:", url_path="diagnose"),
    st.Page("pages/review.py", title="Review", icon=":material/fact_check:", url_path="review"),
    st.Page("pages/matrix.py", title="Matrix", icon=":material/tune:", url_path="matrix"),
    st.Page("pages/data.py", title="Data", icon=":material/upload_file:", url_path="data"),
]

page = st.navigation(PAGES, position="top")
with st.sidebar:
    widgets.data_source()
    st.divider()
    identity.acting_as()
page.run()
