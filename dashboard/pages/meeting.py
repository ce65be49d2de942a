"""Meeting mode (/?mode=meeting): the playlist's slides in turn, with a slim bar to pause and step.

The place (slide number) and pause live in the session and the URL; a top-level fragment ticking
every second moves on when the slide's dwell has passed (a whole-app rerun, so the next slide reads
whatever warehouse CURRENT names then: a new build shows up by itself). `&print=1` draws every slide
of the playlist one after the other, a page each, for Ctrl+P (A4 landscape, slides.CSS).

The buttons name the slide they go to, not a step: the tick sends every widget state, and one that
fires between a click and the flush of its trigger (a busy browser) delivers the click twice, once in
the tick's fragment run and once in the click's own run. Going to a slide twice is going there once.
"""

from __future__ import annotations

import time
from html import escape

import streamlit as st

from dashboard import queries, slides
from dashboard.i18n import language, t

DEFAULT_PLAYLIST = "monthly"
DEFAULT_DWELL = 30

params = st.query_params
names = slides.playlists()
name = params.get("playlist") if params.get("playlist") in names else DEFAULT_PLAYLIST
deck = slides.playlist(name)
try:
    dwell_default = max(2, int(params.get("dwell", DEFAULT_DWELL)))
except ValueError:
    dwell_default = DEFAULT_DWELL

state = st.session_state
if "meeting_index" not in state:
    try:
        state.meeting_index = (int(params.get("slide", 1)) - 1) % len(deck)
    except ValueError:
        state.meeting_index = 0
    state.meeting_paused = params.get("paused") == "1"
    state.meeting_shown = time.monotonic()
state.meeting_index %= len(deck)


def go(index: int) -> None:
    state.meeting_index = index % len(deck)
    state.meeting_shown = time.monotonic()


def pause(paused: bool) -> None:
    state.meeting_paused = paused
    state.meeting_shown = time.monotonic()


def title_of(row: dict) -> str:
    return row["title_en"] if language() == "en" else row["title_zh"]


month = queries.months()[0]
city = queries.value("select city_code from core_settings")
if params.get("print") == "1":
    # The whole playlist, each slide under its own heading, for Ctrl+P (no controls, no rotation).
    st.html(slides.CSS)
    st.html(f'<div class="print-hint">{escape(t("meeting.print_hint", m=len(deck)))}</div>')
    for n, row in enumerate(deck, start=1):
        with st.container(key=f"sheet_{n}"):
            st.html(f'<div class="meeting-bar"><b>{escape(title_of(row))}</b>'
                    f'<span>{escape(t("meeting.count", n=n, m=len(deck)))}</span>'
                    f'<span>{escape(slides.data_stamp())}</span></div>')
            slides.KINDS[row["page"]](str(row["scope"]), city, month)
    st.stop()

slide = deck[state.meeting_index]
dwell = int(slide["dwell"]) if slide["dwell"] else dwell_default
params.update({"mode": "meeting", "playlist": name, "slide": str(state.meeting_index + 1), "lang": language()})
if state.meeting_paused:
    params["paused"] = "1"
else:
    params.pop("paused", None)

st.html(slides.CSS + slides.PROJECTOR_CSS)
title = title_of(slide)
with st.container(key="meeting_controls", horizontal=True, vertical_alignment="center", gap="small"):
    st.html(f'<div class="meeting-bar"><b data-testid="slide-title">{escape(title)}</b>'
            f'<span data-testid="meeting-count">{escape(t("meeting.count", n=state.meeting_index + 1, m=len(deck)))}'
            f'</span><span data-testid="meeting-stamp" data-run="{escape(queries.build_info().run_id)}">'
            f'{escape(slides.data_stamp())}</span></div>', width="stretch")
    st.button(t("meeting.previous"), key="meeting_prev", on_click=go, args=(state.meeting_index - 1,))
    st.button(t("meeting.resume") if state.meeting_paused else t("meeting.pause"), key="meeting_pause",
              on_click=pause, args=(not state.meeting_paused,))
    st.button(t("meeting.next"), key="meeting_next", on_click=go, args=(state.meeting_index + 1,))

# Keyboard: ←/→ step, space pauses, by clicking the bar's buttons (a script of our own, no outside asset).
# It also marks a 1920×1080 screen, whose ×1.5 zoom print must undo for the charts (slides.CSS).
st.html("""<script>
const doc = document;
if (!doc.meetingKeys) {
  doc.meetingKeys = true;
  const hd = matchMedia("screen and (min-width: 1800px) and (min-height: 1000px)");
  const mark = () => matchMedia("print").matches || doc.documentElement.classList.toggle("projector-hd", hd.matches);
  mark();
  hd.addEventListener("change", mark);  // printing lays out at the paper's width: the mark keeps the screen's
  doc.addEventListener("keydown", (e) => {
    const key = {ArrowLeft: "meeting_prev", ArrowRight: "meeting_next", " ": "meeting_pause"}[e.key];
    const button = key && doc.querySelector(`.st-key-${key} button`);
    if (button) { e.preventDefault(); button.click(); }
  });
}
</script>""", unsafe_allow_javascript=True)

with st.container(key=f"slide_{slide['page']}"):
    slides.KINDS[slide["page"]](str(slide["scope"]), city, month)


@st.fragment(run_every=1)
def rotator() -> None:
    """Moves on once the dwell has passed; a rerun of the whole app draws the next slide."""
    if not state.meeting_paused and time.monotonic() - state.meeting_shown >= dwell:
        go(state.meeting_index + 1)
        st.rerun(scope="app")


rotator()
