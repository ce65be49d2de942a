"""The server: the app (streamlit_app.py) behind its sign-in page (dashboard/signin.py).

    streamlit run server.py      (python3 tasks.py app does this)

Single sign-on, when <data>/access/settings.toml sets it up, is passed to Streamlit here as its
[auth] secrets, so all of sign-in is configured in one file outside git.
"""

import streamlit as st

from dashboard import signin

app = st.App("streamlit_app.py", routes=signin.ROUTES, middleware=signin.MIDDLEWARE,
             secrets=signin.streamlit_secrets())
