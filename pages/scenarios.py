"""Placeholder: being built (issue 14)."""

import streamlit as st

st.title("scenarios")
