"""Entry point: navigation and the shell only. Pages live in dashboard/pages/, one file a page."""

import streamlit as st

from dashboard import shell
from dashboard.i18n import EN, ZH, t

# the browser tab's title in the language chosen (the switch's, else the link's, as the shell reads it)
title_lang = EN if st.session_state.get("lang", st.query_params.get("lang")) == EN else ZH
st.set_page_config(page_title=t("app.title", title_lang), page_icon="🏘️", layout="wide")
shell.ensure_warehouse()

if st.query_params.get("mode") == "meeting":
    # Meeting mode: one page, no sidebar or navigation; the language comes from the URL only.
    st.session_state["lang"] = "en" if st.query_params.get("lang") == "en" else "zh"
    st.navigation([st.Page("dashboard/pages/meeting.py", title=t("page.meeting"), url_path="meeting",
                           default=True)], position="hidden").run()
    st.stop()

st.session_state["_filters"] = shell.sidebar_filters()

# (section key, [(page file, title key, url path)]); the first page is the default, at / and at its own path.
PAGES = [
    ("nav.leadership", [
        ("dashboard/pages/overview.py", "page.overview", "overview"),
        ("dashboard/pages/coverage_map.py", "page.coverage_map", "coverage-map"),
        ("dashboard/pages/targets.py", "page.targets", "targets"),
        ("dashboard/pages/plan.py", "page.plan", "plan"),
    ]),
    ("nav.analysis", [
        ("dashboard/pages/complaints.py", "page.complaints", "complaints"),
        ("dashboard/pages/firms.py", "page.firms", "firms"),
        ("dashboard/pages/committees.py", "page.committees", "committees"),
        ("dashboard/pages/inspections.py", "page.inspections", "inspections"),
        ("dashboard/pages/mediation.py", "page.mediation", "mediation"),
        ("dashboard/pages/compound.py", "page.compound", "compound"),
    ]),
    ("nav.data", [
        ("dashboard/pages/explore.py", "page.explore", "explore"),
        ("dashboard/pages/tables.py", "page.tables", "tables"),
        ("dashboard/pages/quality.py", "page.quality", "quality"),
        ("dashboard/pages/submissions.py", "page.submissions", "submissions"),
    ]),
]

sections = {t(section): [st.Page(path, title=t(title), url_path=url) for path, title, url in pages]
            for section, pages in PAGES}
# Streamlit serves the default page at / only: a hidden second entry serves it at its url path too, so a
# shared link or bookmark to /overview opens it rather than "page not found".
home, title, url = PAGES[0][1][0]
first = sections[t(PAGES[0][0])]
first[0] = st.Page(home, title=t(title), url_path="", default=True)
first.append(st.Page(home, title=t(title), url_path=url, visibility="hidden"))
st.navigation(sections).run()
