"""Entry point: the sign-in gate, navigation and the shell only. Pages live in dashboard/pages/, one file a page.

Served by server.py (the sign-in page in front of it). The page registry below says which permission
each page needs (access/roles.py): a page the signed-in role lacks it for is registered as a refusal at
the same address, so editing the URL reaches the refusal, never the page.
"""

import streamlit as st

from access.roles import DESK
from dashboard import shell
from dashboard.i18n import EN, ZH, language, t

# the browser tab's title in the language chosen (the switch's, else the link's, as the shell reads it)
title_lang = EN if st.session_state.get("lang", st.query_params.get("lang")) == EN else ZH
st.set_page_config(page_title=t("app.title", title_lang), page_icon="🏘️", layout="wide")
user = shell.gate()
shell.ensure_warehouse()

# (section key, [(page file, title key, url path, permission needed)]); the first page is the default.
PAGES = [
    ("nav.leadership", [
        ("dashboard/pages/overview.py", "page.overview", "overview", "desk"),
        ("dashboard/pages/coverage_map.py", "page.coverage_map", "coverage-map", "desk"),
        ("dashboard/pages/targets.py", "page.targets", "targets", "desk"),
        ("dashboard/pages/plan.py", "page.plan", "plan", "desk"),
    ]),
    ("nav.analysis", [
        ("dashboard/pages/complaints.py", "page.complaints", "complaints", "desk"),
        ("dashboard/pages/firms.py", "page.firms", "firms", "desk"),
        ("dashboard/pages/committees.py", "page.committees", "committees", "desk"),
        ("dashboard/pages/inspections.py", "page.inspections", "inspections", "desk"),
        ("dashboard/pages/mediation.py", "page.mediation", "mediation", "desk"),
        ("dashboard/pages/compound.py", "page.compound", "compound", "desk"),
    ]),
    ("nav.data", [
        ("dashboard/pages/explore.py", "page.explore", "explore", "console"),
        ("dashboard/pages/tables.py", "page.tables", "tables", "desk"),
        ("dashboard/pages/quality.py", "page.quality", "quality", "desk"),
        ("dashboard/pages/submissions.py", "page.submissions", "submissions", "desk"),
        ("dashboard/pages/upload.py", "page.upload", "upload", "upload"),
    ]),
    ("nav.admin", [
        ("dashboard/pages/admin.py", "page.admin", "admin", "admin"),
    ]),
]


def refusals(user) -> list[st.Page]:
    """The pages this role may not open, each a refusal at its own address."""
    return [st.Page(shell.refusal_page(url), title=t(title), url_path=url, visibility="hidden")
            for _, pages in PAGES for _, title, url, needs in pages if not user.may(needs)]


def meeting(user) -> None:
    """Meeting mode (a meeting display's only page): no sidebar or navigation; the language from the URL only."""
    st.session_state["lang"] = "en" if st.query_params.get("lang") == "en" else "zh"
    st.navigation([st.Page("dashboard/pages/meeting.py", title=t("page.meeting"), url_path="meeting",
                           default=True), *refusals(user)], position="hidden").run()


def desk_pages(user) -> dict[str, list[st.Page]]:
    """The navigation's sections for this role, in the view's language."""
    sections = {t(section): [st.Page(path, title=t(title), url_path=url) for path, title, url, needs in pages
                             if user.may(needs)]
                for section, pages in PAGES if any(user.may(needs) for *_, needs in pages)}
    # Streamlit serves the default page at / only: a hidden second entry serves it at its url path too, so a
    # shared link or bookmark to /overview opens it rather than "page not found".
    home, title, url, _needs = PAGES[0][1][0]
    first = sections[t(PAGES[0][0])]
    first[0] = st.Page(home, title=t(title), url_path="", default=True)
    first.append(st.Page(home, title=t(title), url_path=url, visibility="hidden"))
    refused = refusals(user)
    return {**sections, **({"": refused} if refused else {})}


def desk(user) -> None:
    st.session_state["_filters"] = shell.sidebar_filters()
    shell.user_box(user)
    # st.Page resolves its file's path on the disk each time it is made (a dozen system calls a page, a tenth of
    # a session's first runs when a meeting room opens the app), so a session keeps the pages it made until its
    # role or language changes. Pages are not shared between sessions: st.navigation marks the one it returns.
    made_for = (user.role, language())
    if st.session_state.get("_pages_for") != made_for:
        st.session_state["_pages"], st.session_state["_pages_for"] = desk_pages(user), made_for
    # expanded: every page listed (collapsed, Streamlit writes "View 6 more" in English in the Chinese view)
    st.navigation(st.session_state["_pages"], expanded=True).run()


with shell.turn():
    if st.query_params.get("mode") == "meeting" or not user.may(DESK):
        meeting(user)
    else:
        desk(user)
