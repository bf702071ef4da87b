"""The saved-search control beside every set of lead filters: apply one of the user's saved
searches (it sets the filter widgets and reruns), save the current filters under a name,
rename or delete the one picked. The rules (whose, which names) are core's."""

import logging
from collections.abc import Callable
from typing import Any

import streamlit as st

from core.domain.errors import LeadOpsError
from core.domain.identity import Actor
from core.domain.leads import LeadFilters
from core.domain.saved_searches import SavedSearch
from core.leads.saved_searches import delete_search, list_searches, load_search, rename_search, save_search
from pages._shared import context, state
from pages._shared.literal import literal

log = logging.getLogger("leadops")
SetWidgets = Callable[[str, LeadFilters, dict[int, str]], list[str]]


def _note(prefix: str, kind: str, text: str) -> None:
    st.session_state.setdefault(state.SAVED_SEARCH_NOTES + prefix, []).append((kind, text))


def _show_notes(prefix: str) -> None:
    for kind, text in st.session_state.pop(state.SAVED_SEARCH_NOTES + prefix, []):
        shown = getattr(st, kind)
        shown(literal(text), icon=":material/bookmark:")


def _run(prefix: str, action: Callable[[], Any], done: str) -> bool:
    """Run a use case; its outcome shows on the next run, above the control."""
    try:
        action()
    except LeadOpsError as exc:
        _note(prefix, "error", exc.message)
        return False
    except Exception:  # noqa: BLE001 - never a traceback; the log keeps it
        log.exception("Unexpected error")
        _note(prefix, "error", "Something went wrong and nothing was changed. Try again.")
        return False
    _note(prefix, "success", done)
    return True


def _apply(prefix: str, actor: Actor, names: dict[int, str], searches: dict[int, str],
           set_widgets: SetWidgets) -> None:
    search_id = st.session_state.get(f"{prefix}_saved")
    if search_id is None:
        return
    name = searches.get(search_id, "")
    loaded: list[tuple[LeadFilters, list[str]]] = []
    if _run(prefix, lambda: loaded.append(load_search(context.reader(), actor, search_id)),
            f"Applied \"{name}\"."):
        filters, ignored = loaded[0]
        ignored += set_widgets(prefix, filters, names)
        if ignored:
            _note(prefix, "warning", "Left out, no longer valid: " + "; ".join(ignored) + ".")


def control(prefix: str, actor: Actor, names: dict[int, str], set_widgets: SetWidgets) -> None:
    """Pick and apply a saved search (drawn before the filter widgets, which it sets)."""
    _show_notes(prefix)
    searches = list_searches_or_none(actor)
    if not searches:
        st.caption("No saved searches yet: set the filters below, then save them under a name.")
        return
    by_id = {s.id: s.name for s in searches}
    pick, apply = st.columns([3, 1], vertical_alignment="bottom")
    chosen = pick.selectbox("Saved search", list(by_id), format_func=lambda i: by_id[i], index=None,
                            placeholder="Pick one of yours", key=f"{prefix}_saved")
    apply.button("Apply", key=f"{prefix}_saved_apply", disabled=chosen is None, on_click=_apply,
                 args=(prefix, actor, names, by_id, set_widgets))


def list_searches_or_none(actor: Actor) -> list[SavedSearch]:
    try:
        return list_searches(context.reader(), actor)
    except Exception:  # noqa: BLE001 - the filters work without their shortcuts
        log.exception("Saved searches could not be listed")
        return []


def _ask_to_delete(prefix: str) -> None:
    st.session_state[f"{prefix}_saved_delete_asked"] = st.session_state.get(f"{prefix}_saved")


def _keep(prefix: str) -> None:
    st.session_state.pop(f"{prefix}_saved_delete_asked", None)


def _delete(prefix: str, actor: Actor, search_id: int, name: str) -> None:
    _keep(prefix)
    if _run(prefix, lambda: delete_search(context.writer(), actor, search_id),
            f"Deleted the saved search \"{name}\"."):
        st.session_state[f"{prefix}_saved"] = None


def _confirm_delete(prefix: str, actor: Actor, chosen: int | None) -> None:
    """Deleting cannot be undone: the search picked is named and deleted only on a second
    click. Asking lapses when another search is picked."""
    asked = st.session_state.get(f"{prefix}_saved_delete_asked")
    if asked is None or asked != chosen:
        return
    name = next((s.name for s in list_searches_or_none(actor) if s.id == asked), "")
    st.warning(literal(f"Delete your saved search \"{name}\"? It cannot be brought back."),
               icon=":material/delete:")
    confirm, keep = st.columns(2)
    confirm.button("Yes, delete it", key=f"{prefix}_saved_delete_confirm", type="primary",
                   on_click=_delete, args=(prefix, actor, asked, name))
    keep.button("Keep it", key=f"{prefix}_saved_delete_keep", on_click=_keep, args=(prefix,))


def save_box(prefix: str, actor: Actor, filters: LeadFilters) -> None:
    """Save the current filters under a name; rename or delete the saved search picked above."""
    chosen = st.session_state.get(f"{prefix}_saved")
    with st.popover("Save, rename or delete a saved search", icon=":material/bookmark:"):
        name = st.text_input("Name", key=f"{prefix}_saved_name", max_chars=60,
                             placeholder="e.g. Hot website leads")
        tidy = " ".join(name.split())
        save, rename, delete = st.columns(3)
        if save.button("Save these filters", key=f"{prefix}_saved_save"):
            _run(prefix, lambda: save_search(context.writer(), actor, name=name, filters=filters),
                 f"Saved \"{tidy}\". Apply it from any lead table.")
            st.rerun()
        if rename.button("Rename the picked one", key=f"{prefix}_saved_rename",
                         disabled=chosen is None) and chosen is not None:
            _run(prefix, lambda: rename_search(context.writer(), actor, chosen, name=name),
                 f"Renamed to \"{tidy}\".")
            st.rerun()
        delete.button("Delete the picked one", key=f"{prefix}_saved_delete", disabled=chosen is None,
                      on_click=_ask_to_delete, args=(prefix,))
        _confirm_delete(prefix, actor, chosen)
