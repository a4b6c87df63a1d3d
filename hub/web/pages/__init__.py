"""The workbench's pages, one module each: its routes (`router`) and, if it is in the menu,
its `NAV` entry. The menu follows this order; a new page is added here."""

from hub.web.pages import (
    account,
    calendar,
    cases,
    catalogue,
    inbox,
    journal,
    login,
    slips,
    staff,
    stations,
    supervision,
    watch_list,
)

MODULES = (
    login,
    inbox,
    supervision,
    cases,
    watch_list,
    slips,
    journal,
    staff,
    stations,
    catalogue,
    calendar,
    account,
)
